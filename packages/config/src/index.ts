// Public API of @mace/config: parse and validate MACE deployment files (YAML or JSON).

export type {
  ConfigIssue,
  DataFormat,
  DataType,
  DeploymentConfig,
  ModelConfig,
  ModelFormat,
  Platform,
  Runtime,
  SubgraphConfig,
  ValidationThreshold,
} from './types.js';
export {
  DATA_FORMATS,
  DATA_TYPES,
  DEFAULTS,
  IO_DATA_TYPES,
  MODEL_FORMATS,
  PLATFORMS,
  RUNTIMES,
  TARGET_ABIS,
  WINOGRAD_VALUES,
  defaultDataType,
} from './types.js';
export { ConfigError, formatConfigError, formatIssue } from './errors.js';
export { MODEL_KEYS, SUBGRAPH_KEYS, TOP_KEYS } from './keys.js';
export { parseDeployment, parseDeploymentFile, type ParseOptions } from './parse.js';
export { shapeFromNCHW, shapeToNCHW } from './shape.js';
export { parseDevicesFile, readDevicesFile, type BoardConfig } from './devices.js';
