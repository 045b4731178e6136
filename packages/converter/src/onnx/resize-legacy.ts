// Resize-10 nearest nodes whose scales only became constants through folding get their rounding mode now
// (see legacyNearestMode); mixed-direction scales are refused.
import { ConversionError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { legacyNearestMode, pendingLegacyNearest } from './normalize.js';

export function resolveLegacyNearest(graph: Graph): void {
  for (const n of graph.nodes) {
    if (!pendingLegacyNearest.has(n)) continue;
    const scales = graph.constants.get(n.inputs[2]);
    // Scales still computed at run time: keep 'floor', right for up-sampling and integer down-sampling ratios.
    if (!scales) continue;
    pendingLegacyNearest.delete(n);
    if (!legacyNearestMode(n, scales)) {
      const reason = 'Resize-10 nearest with scales both below and above 1 has no opset-19 equivalent';
      throw new ConversionError(`node '${n.name}' (Resize): ${reason}`, [
        { name: n.name, opType: n.opType, opset: graph.opset, reason },
      ]);
    }
  }
}
