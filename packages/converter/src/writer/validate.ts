// Pre-write checks of what the runtime's loader verifies: ops in topological order, every input
// defined by an earlier op, a model input or a constant, no tensor defined twice, every model
// output produced, every op with a named output. A failure is a converter bug or a malformed model, reported as ConversionError.
import { ConversionError } from '../errors.js';
import type { Graph } from '../ir/graph.js';

export function validateGraph(graph: Graph): void {
  const defined = new Set<string>();
  const problems: { name: string; opType: string; opset: number; reason: string }[] = [];
  for (const k of graph.constants.keys()) defined.add(k);
  for (const io of graph.inputs) {
    if (defined.has(io.name))
      problems.push({
        name: io.name,
        opType: '(input)',
        opset: graph.opset,
        reason: `input '${io.name}' has the name of a constant`,
      });
    defined.add(io.name);
  }
  for (const n of graph.nodes) {
    const bad = (reason: string): void => {
      problems.push({ name: n.name, opType: n.opType, opset: graph.opset, reason });
    };
    for (const i of n.inputs)
      if (i && !defined.has(i)) bad(`reads '${i}', which no earlier node, model input or constant defines`);
    // '' marks an omitted optional output: the writer drops trailing ones and names the others (outputs.ts).
    if (!n.outputs.some((o) => o)) bad('has no named output');
    for (const o of n.outputs) {
      if (!o) continue;
      if (defined.has(o)) bad(`redefines tensor '${o}'`);
      defined.add(o);
    }
  }
  for (const o of graph.outputs)
    if (!defined.has(o.name))
      problems.push({
        name: o.name,
        opType: '(output)',
        opset: graph.opset,
        reason: `model output '${o.name}' is not produced by the graph`,
      });
  if (graph.inputs.length === 0)
    problems.push({ name: '', opType: '(graph)', opset: graph.opset, reason: 'the model has no inputs' });
  if (graph.outputs.length === 0)
    problems.push({ name: '', opType: '(graph)', opset: graph.opset, reason: 'the model has no outputs' });
  if (problems.length)
    throw new ConversionError(
      `the graph cannot be written as an engine model:\n${problems
        .slice(0, 20)
        .map((p) => `  - ${p.name ? `'${p.name}' ` : ''}${p.opType}: ${p.reason}`)
        .join('\n')}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}\n` +
        'The model file may be malformed; check it with onnx.checker and convert again.',
      problems,
    );
}
