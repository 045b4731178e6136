// Public types of @mace/config: the normalised shape of a MACE deployment file,
// plus the value sets (enums) and defaults the parser checks against.

export type Runtime = 'cpu' | 'gpu' | 'dsp' | 'apu' | 'hta' | 'cpu+gpu';
export type DataFormat = 'NHWC' | 'NCHW' | 'NONE' | 'OIHW';
export type Platform = 'onnx' | 'tensorflow' | 'caffe' | 'tflite' | 'keras' | 'pytorch' | 'megengine';
export type DataType = 'fp16_fp32' | 'fp32_fp32' | 'bf16_fp32' | 'fp16_fp16';
export type ModelFormat = 'file' | 'code';

export interface ValidationThreshold {
  cpu: number;
  gpu: number;
  /** Used for dsp / hta / apu runtimes and for quantized models. */
  quantize: number;
}

export interface SubgraphConfig {
  /** Set only when `subgraphs` was written as a mapping of named graphs. */
  name?: string;
  inputTensors: string[];
  /** Exactly as written, in the tensor's own data format (see inputDataFormats). */
  inputShapes: number[][];
  inputRanges: [number, number][];
  inputDataFormats: DataFormat[];
  /** Per input; default float32. */
  inputDataTypes: string[];
  outputTensors: string[];
  /** null when output_shapes is not given. */
  outputShapes: number[][] | null;
  outputDataFormats: DataFormat[];
  /** Per output; default float32. */
  outputDataTypes: string[];
  /** Raw strings (paths or URLs), one per input when given, else []. */
  validationInputsData: string[];
  checkTensors: string[];
  checkShapes: number[][];
  validationThreshold: ValidationThreshold;
  /** onnx validation backend, raw value; null when not given (MACE then uses tensorflow). */
  backend: string | null;
}

export interface ModelConfig {
  tag: string;
  platform: Platform;
  modelFilePath: string;
  /** Lower-cased; null when not given. */
  modelSha256Checksum: string | null;
  weightFilePath: string | null;
  weightSha256Checksum: string | null;
  subgraphs: SubgraphConfig[];
  runtime: Runtime;
  dataType: DataType;
  winograd: 0 | 2 | 4;
  quantize: boolean;
  quantizeRangeFile: string | null;
  quantizeLargeWeights: boolean;
  changeConcatRanges: boolean;
  obfuscate: boolean;
  limitOpenclKernelTime: boolean;
  openclQueueWindowSize: number;
  nnlibGraphMode: number;
  cpuAffinityPolicy?: number;
}

export interface ConfigIssue {
  /** Field path, e.g. `models.mobilenet.subgraphs[0].input_shapes[0]`; '' for the document itself. */
  path: string;
  message: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

export interface DeploymentConfig {
  libraryName: string;
  targetAbis: string[];
  targetSocs: string[];
  modelGraphFormat: ModelFormat;
  modelDataFormat: ModelFormat;
  /** In file order. */
  models: ModelConfig[];
  /** The parsed YAML/JSON value. */
  raw: unknown;
  /** Non-fatal findings: unknown keys, ignored legacy keys, missing checksums. */
  warnings: ConfigIssue[];
}

export const RUNTIMES: readonly Runtime[] = ['cpu', 'gpu', 'dsp', 'apu', 'hta', 'cpu+gpu'];
export const DATA_FORMATS: readonly DataFormat[] = ['NHWC', 'NCHW', 'NONE', 'OIHW'];
export const PLATFORMS: readonly Platform[] = [
  'tensorflow',
  'caffe',
  'onnx',
  'tflite',
  'keras',
  'pytorch',
  'megengine',
];
export const DATA_TYPES: readonly DataType[] = ['fp16_fp32', 'fp32_fp32', 'bf16_fp32', 'fp16_fp16'];
export const IO_DATA_TYPES: readonly string[] = ['float32', 'int32', 'float16', 'bfloat16', 'int16', 'uint8'];
export const TARGET_ABIS: readonly string[] = ['host', 'arm64-v8a', 'armeabi-v7a', 'aarch64', 'armhf', 'x86_64'];
export const MODEL_FORMATS: readonly ModelFormat[] = ['file', 'code'];
export const WINOGRAD_VALUES: readonly number[] = [0, 2, 4];

/** Defaults applied when a field is absent (see README.md for the full table). */
export const DEFAULTS = {
  targetAbis: ['host'] as readonly string[],
  modelFormat: 'file' as ModelFormat,
  runtime: 'cpu' as Runtime,
  inputRange: [-1, 1] as readonly [number, number],
  dataFormat: 'NHWC' as DataFormat,
  ioDataType: 'float32',
  /** MACE tools/converter.py ValidationThreshold. */
  validationThreshold: { cpu: 0.999, gpu: 0.995, quantize: 0.95 } as Readonly<ValidationThreshold>,
} as const;

/** MACE's default data_type per runtime: fp32_fp32 on CPU (and the uint8 DSP/APU runtimes), else fp16_fp32. */
export function defaultDataType(runtime: Runtime): DataType {
  return runtime === 'cpu' || runtime === 'dsp' || runtime === 'apu' ? 'fp32_fp32' : 'fp16_fp32';
}
