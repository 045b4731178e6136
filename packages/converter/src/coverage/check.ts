// Coverage check: which nodes of a graph the engine can run on CPU / GPU, and why not.
// assertSupported refuses the whole model, listing every offending node at once.
import { ConversionError } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import type { DType } from '../ir/tensor.js';
import { GPU_KERNELS, GPU_REASON, SUPPORT } from './support.js';

export interface DeviceSupport {
  supported: boolean;
  /** Why not, when not supported. */
  reason?: string;
  /** GPU: the cases the kernel takes (others run on the CPU, decided when the op runs). */
  cases?: string;
}

export interface NodeCoverage {
  name: string;
  opType: string;
  domain: string;
  opset: number;
  cpu: DeviceSupport;
  gpu: DeviceSupport;
}

export interface CoverageReport {
  nodes: NodeCoverage[];
  /** True when every node runs on CPU. */
  cpuSupported: boolean;
  /** True when every node has a GPU kernel (each op's case is still checked when it runs). */
  gpuSupported: boolean;
}

/** Types the engine cannot hold at all, with the advice the user gets. */
const FLOAT_ADVICE = 'export the model in float32';
const UNSTORABLE: Partial<Record<DType, string>> = {
  float16: FLOAT_ADVICE,
  bfloat16: FLOAT_ADVICE,
  float64: FLOAT_ADVICE,
  complex64: FLOAT_ADVICE,
  complex128: FLOAT_ADVICE,
  string: 'remove string processing from the model',
  int16: 'use int32 or int64',
  uint16: 'use int32 or int64',
  uint32: 'use int32 or int64',
  uint64: 'use int64',
};

function isDefaultDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

/** The reasons a node cannot run on CPU (empty when it can). */
export function cpuReasons(node: Node, graph: Graph): string[] {
  if (!isDefaultDomain(node.domain))
    return [`op ${node.opType} of domain '${node.domain}' is not supported; only standard ONNX ops are`];
  const spec = Object.prototype.hasOwnProperty.call(SUPPORT, node.opType) ? SUPPORT[node.opType] : undefined;
  if (!spec) return [`op ${node.opType} (opset ${graph.opset}) is not supported`];

  const reasons: string[] = [];
  const seen = new Set<DType>();
  for (const t of [...node.inputs, ...node.outputs]) {
    const dt = t ? (graph.values.get(t)?.dtype ?? graph.constants.get(t)?.dtype) : undefined;
    if (!dt || seen.has(dt) || !UNSTORABLE[dt]) continue;
    seen.add(dt);
    reasons.push(`data type ${dt} is not supported; ${UNSTORABLE[dt]}`);
  }
  if (reasons.length === 0) {
    const name = spec.dtypeOf ? spec.dtypeOf(node) : node.outputs[0] || node.inputs[0];
    const dt = name ? (graph.values.get(name)?.dtype ?? graph.constants.get(name)?.dtype) : undefined;
    if (dt && !spec.cpuDtypes.includes(dt))
      reasons.push(`${node.opType} on ${dt} tensors is not supported on CPU (supported: ${spec.cpuDtypes.join(', ')})`);
  }
  for (const check of spec.checks ?? []) {
    const r = check(node, graph);
    if (r) reasons.push(r);
  }
  return reasons;
}

export function checkNode(node: Node, graph: Graph): NodeCoverage {
  const reasons = cpuReasons(node, graph);
  const cpu: DeviceSupport = reasons.length ? { supported: false, reason: reasons.join('; ') } : { supported: true };
  const cases = Object.prototype.hasOwnProperty.call(GPU_KERNELS, node.opType) ? GPU_KERNELS[node.opType] : undefined;
  const gpu: DeviceSupport = !cpu.supported
    ? { supported: false, reason: cpu.reason }
    : cases
      ? { supported: true, cases }
      : { supported: false, reason: GPU_REASON };
  return { name: node.name, opType: node.opType, domain: node.domain, opset: graph.opset, cpu, gpu };
}

export function checkCoverage(graph: Graph): CoverageReport {
  const nodes = graph.nodes.map((n) => checkNode(n, graph));
  return {
    nodes,
    cpuSupported: nodes.every((n) => n.cpu.supported),
    gpuSupported: nodes.length > 0 && nodes.every((n) => n.gpu.supported),
  };
}

/**
 * Throws a ConversionError naming every node the engine cannot run on `device` (default CPU);
 * returns the report otherwise. A model is converted whole or not at all.
 */
export function assertSupported(
  graph: Graph,
  device: 'cpu' | 'gpu' = 'cpu',
  report = checkCoverage(graph),
): CoverageReport {
  const bad = report.nodes.filter((n) => !n[device].supported);
  if (bad.length === 0) return report;
  const nodes = bad.map((n) => ({
    name: n.name,
    opType: n.opType,
    opset: n.opset,
    reason: n[device].reason ?? 'unsupported',
  }));
  const types = [...new Set(bad.map((n) => n.opType))];
  const shown = nodes.slice(0, 30).map((n) => `  - ${n.name || '(unnamed)'} (${n.opType}): ${n.reason}`);
  if (nodes.length > shown.length) shown.push(`  ... and ${nodes.length - shown.length} more`);
  const message =
    `the engine cannot run ${bad.length} node(s) of this model on ${device.toUpperCase()} ` +
    `(op types: ${types.join(', ')}):\n${shown.join('\n')}\n` +
    'Replace these ops when exporting the model (or export with a different opset), then convert again.';
  throw new ConversionError(message, nodes);
}
