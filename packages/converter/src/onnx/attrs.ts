// Decoded ONNX attributes → the graph IR's attribute values (ints stay ints, floats stay floats, as typed in
// the proto), and Constant nodes → constant tensors.
import type { AttrValue } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';
import { float32Tensor, int64Tensor } from '../fold/values.js';
import type { OnnxAttribute, OnnxNode } from './model.js';

export function convertAttributes(attrs: OnnxAttribute[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const a of attrs) {
    switch (a.kind) {
      case 'tensors':
      case 'graphs':
      case 'unsupported':
        // Kept as an opaque 'graph' value: no engine op reads these, and coverage refuses their ops.
        out[a.name] = { kind: 'graph', value: { kind: a.kind, value: a.value } };
        break;
      default:
        out[a.name] = { kind: a.kind, value: a.value } as AttrValue;
    }
  }
  return out;
}

/**
 * The tensor a Constant node holds. `fail` reports a node-level problem (sparse or missing value).
 */
export function constantNodeValue(node: OnnxNode, fail: (reason: string) => never): TensorValue {
  const a = node.attributes.find((x) => x.name.startsWith('value') || x.name === 'sparse_value');
  if (!a) fail('Constant node has no value attribute');
  switch (a.name) {
    case 'value':
      if (a.kind === 'tensor') return a.value;
      break;
    case 'value_float':
      if (a.kind === 'float' || a.kind === 'int') return float32Tensor([a.value], []);
      break;
    case 'value_floats':
      if (a.kind === 'floats') return float32Tensor(a.value);
      break;
    case 'value_int':
      if (a.kind === 'int') return int64Tensor([a.value], []);
      break;
    case 'value_ints':
      if (a.kind === 'ints') return int64Tensor(a.value);
      break;
    case 'value_string':
      if (a.kind === 'string') return { dtype: 'string', dims: [], data: [a.value] };
      break;
    case 'value_strings':
      if (a.kind === 'strings') return { dtype: 'string', dims: [a.value.length], data: [...a.value] };
      break;
    case 'sparse_value':
      fail('sparse Constant tensors are not supported; densify the constant before converting');
  }
  fail(`Constant attribute '${a.name}' has an unexpected type (${a.kind})`);
}
