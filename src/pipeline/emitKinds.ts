/** What `bird compile --emit` can print. */
export const emitKinds = ['ast', 'ast-json', 'ir', 'ir-json', 'ir-unoptimized', 'onnx', 'train-ir', 'train-onnx'] as const;
export type EmitKind = (typeof emitKinds)[number];
