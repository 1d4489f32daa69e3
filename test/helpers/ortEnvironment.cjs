// The Jest environment of every test (package.json), for the tests that run onnxruntime-node
// (serving, exports, and `bird train`, whose default engine is onnxruntime). Jest runs each test file in
// its own realm, but onnxruntime-node builds its output tensors from typed arrays of the
// main realm and then checks them with `instanceof` against the test realm's
// constructors, which fails. Sharing the main realm's typed-array constructors fixes it.
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

class OrtEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer']) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = OrtEnvironment;
