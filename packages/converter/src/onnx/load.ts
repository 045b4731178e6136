// Convenience entry point: .onnx bytes → decoded → imported (normalised) → shapes inferred → constants folded.
import type { Graph } from '../ir/graph.js';
import { foldConstants } from '../fold/fold.js';
import { importOnnx, type ImportOptions } from './import.js';
import { decodeModel } from './proto.js';
import { simplifySoftmax } from './softmax.js';
import { resolveLegacyNearest } from './resize-legacy.js';

export function loadOnnx(bytes: Uint8Array, options: ImportOptions = {}): Graph {
  const graph = importOnnx(decodeModel(bytes), options);
  foldConstants(graph);
  simplifySoftmax(graph);
  resolveLegacyNearest(graph);
  return graph;
}
