// `node --import` this file (after tsx's register) to make every import of TF.js, ONNX
// Runtime or Graphviz fail: test/cli/lazyLoading.test.ts runs the light commands under it.
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, next) {
  if (/^(@tensorflow\\/|onnxruntime-node|@viz-js\\/)/.test(specifier)) throw new Error('heavy module loaded: ' + specifier);
  return next(specifier, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
