// The ONNX frontend's public surface: decoding, import, shape inference, constant folding and file helpers.
export { decodeModel, decodeTensorProto, decodeNamedTensor } from './proto.js';
export type * from './model.js';
export { onnxDType, onnxTypeCode, onnxTypeName } from './model.js';
export { importOnnx, MIN_OPSET, MAX_OPSET, type ImportOptions } from './import.js';
export { loadOnnx } from './load.js';
export { simplifySoftmax } from './softmax.js';
export { inferShapes, inferNode, hasShapeRule } from '../shape/infer.js';
export { foldConstants, removeDeadNodes, FOLD_MAX_ELEMENTS } from '../fold/fold.js';
export { evaluateNode, canEvaluate, evaluableOps } from '../fold/evaluate.js';
export { RENAMED_ON_IMPORT } from './normalize.js';
export { readNpy, writeNpy } from '../io/npy.js';
export { readTensorProto, writeTensorProto } from '../io/tensorproto.js';
export { ConversionError } from '../errors.js';
