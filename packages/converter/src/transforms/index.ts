// The graph transforms, each `(graph) => { changed }`, in the order convert() applies them.
export { removeIdentities } from './remove-identities.js';
export { foldBatchNorm } from './fold-batchnorm.js';
export { fuseActivations, fusedActivation } from './fuse-activations.js';
export { simplifyReshapeTranspose } from './simplify-reshape-transpose.js';
export { applyIoFormats, type IoFormats } from './io-formats.js';
export { obfuscateNames } from './obfuscate.js';
export { pruneToOutputs } from './prune.js';
export type { Transform } from './util.js';
