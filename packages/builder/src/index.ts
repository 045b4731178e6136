export { abiTarget, BUILD_ABIS, emulatorFor, hostArch, type AbiTarget, type Arch } from './abi.js';
export { buildCodeModels, FACTORY_HEADER, modelHeaderPath, type CodeModelLibrary } from './code-model.js';
export { BuildError } from './errors.js';
export { buildLibraryPackage, type LibraryPackage, type LibraryRequest } from './library.js';
export { withLock } from './lock.js';
export { assemblePackage, packFolder, sha256File, type PackageModel } from './package.js';
export {
  builderPaths,
  ensureRuntime,
  RUNTIME_OUTPUTS,
  runtimesFor,
  type BuilderPaths,
  type RuntimeBuild,
  type Runtimes,
} from './runtime.js';
export { nativeSourceSnapshot, type SourceSnapshot } from './source-hash.js';
export { runChecked, runLogged, type BuildLog, type SpawnOptions, type ToolExit } from './spawn.js';
export { toolchainFor, type Toolchain } from './toolchain.js';
