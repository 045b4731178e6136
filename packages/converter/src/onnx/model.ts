// Plain typed objects for a decoded ONNX ModelProto (only the parts the converter reads).
import type { DType, TensorValue } from '../ir/tensor.js';

export interface OnnxOpsetId {
  domain: string;
  version: number;
}

/** A tensor dimension: a fixed size, a symbolic name, or unknown (neither set). */
export type OnnxDim = { value: number } | { param: string } | { unknown: true };

export interface OnnxTypeInfo {
  /** 'tensor' for tensor types; other kinds (sequence, map, optional, sparse) are recorded by name only. */
  kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse_tensor' | 'none';
  /** ONNX TensorProto.DataType code (0 = undefined). */
  elemType: number;
  /** null = no shape given (rank unknown). */
  shape: OnnxDim[] | null;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxTypeInfo;
}

export interface OnnxNamedTensor {
  name: string;
  tensor: TensorValue;
}

export type OnnxAttribute =
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'tensor'; value: TensorValue }
  | { name: string; kind: 'graph'; value: OnnxGraph }
  | { name: string; kind: 'floats'; value: number[] }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'strings'; value: string[] }
  | { name: string; kind: 'tensors'; value: TensorValue[] }
  | { name: string; kind: 'graphs'; value: OnnxGraph[] }
  /** Attribute kinds the converter never uses (sparse tensors, type protos, references to function attrs). */
  | { name: string; kind: 'unsupported'; value: string };

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxNamedTensor[];
  /** Names of sparse initializers (the converter refuses them). */
  sparseInitializers: string[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  opsetImports: OnnxOpsetId[];
  metadata: Record<string, string>;
  /** Names of model-local functions (domain:name); nodes calling them are custom ops to the converter. */
  functions: string[];
  graph: OnnxGraph;
}

/** ONNX TensorProto.DataType code → the IR's dtype (null for types the converter cannot hold). */
export function onnxDType(code: number): DType | null {
  switch (code) {
    case 1:
      return 'float32';
    case 2:
      return 'uint8';
    case 3:
      return 'int8';
    case 4:
      return 'uint16';
    case 5:
      return 'int16';
    case 6:
      return 'int32';
    case 7:
      return 'int64';
    case 8:
      return 'string';
    case 9:
      return 'bool';
    case 10:
      return 'float16';
    case 11:
      return 'float64';
    case 12:
      return 'uint32';
    case 13:
      return 'uint64';
    case 14:
      return 'complex64';
    case 15:
      return 'complex128';
    case 16:
      return 'bfloat16';
    default:
      return null;
  }
}

/** The IR's dtype → ONNX TensorProto.DataType code. */
export function onnxTypeCode(dtype: DType): number {
  const codes: Record<DType, number> = {
    float32: 1,
    uint8: 2,
    int8: 3,
    uint16: 4,
    int16: 5,
    int32: 6,
    int64: 7,
    string: 8,
    bool: 9,
    float16: 10,
    float64: 11,
    uint32: 12,
    uint64: 13,
    complex64: 14,
    complex128: 15,
    bfloat16: 16,
  };
  return codes[dtype];
}

const NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
  24: 'FLOAT8E8M0',
  25: 'UINT2',
  26: 'INT2',
};

/** A readable name for an ONNX data type code (for messages). */
export function onnxTypeName(code: number): string {
  return onnxDType(code) ?? NAMES[code] ?? `data type ${code}`;
}
