/**
 * The values the pipeline's options take that the command line offers as choices: the
 * TF.js backends and the training engines. Types and plain tables only, so a command's
 * builder can import them without loading TF.js or ONNX Runtime.
 */
export type { BackendName } from '../backends/tfjs/loadTf.js';
export { trainEngines, type TrainEngineName } from '../semantic/builtins.js';
