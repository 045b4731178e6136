// The default-domain opsets the converter imports, and what changed after opset 23 (the engine contract):
// per the ONNX Changelog, opsets 24–27 only widened type lists (float8e8m0, int2/uint2, bfloat16) or added new
// ops for every op the engine runs; the few ops whose newer version changed behaviour are refused by name.
import type { Node } from '../ir/graph.js';

/** Opset 1 models (IR < 3) up to opset 6 are upgraded by legacy.ts and normalize.ts. */
export const MIN_OPSET = 1;
/** Newest opset whose operator changes were checked (ONNX 1.22). Opset 28 was still open in ONNX then. */
export const MAX_OPSET = 27;
/** The opset whose operator definitions the engine follows (docs/engine-format.md). */
export const CONTRACT_OPSET = 23;

/**
 * Op versions newer than the contract that changed behaviour (not only their type lists), with what changed.
 * Versions that only widened types are not listed: Cast/CastLike-24 (float8e8m0, plus round_mode that only
 * applies to float8e8m0), Constant, ConstantOfShape, Identity, Reshape, Shape, Size, Flatten, Pad, Squeeze,
 * Unsqueeze, Transpose, QuantizeLinear, DequantizeLinear, If, Loop, Scan at 24 and 25 (int2/uint2); TopK and
 * SplitToSequence at 24 (bfloat16); Range-27 (bfloat16, and stash_type: the precision start + i·delta is computed
 * in, which changes rounding only). New ops (Swish, TensorScatter at 24; BitCast, CumProd at 26;
 * CausalConvWithState, LinearAttention at 27) are not engine ops: coverage refuses them by name.
 */
export const CHANGED_AFTER_CONTRACT: Readonly<Record<string, readonly { since: number; change: string }[]>> = {
  Attention: [{ since: 24, change: 'Attention-24 added the nonpad_kv_seqlen input (in-place KV-cache updates)' }],
};

export function opsetRangeMessage(opset: number): string {
  return (
    `the model uses ONNX opset ${opset}; the converter supports opsets ${MIN_OPSET}–${MAX_OPSET}. ` +
    (opset < MIN_OPSET
      ? 'Upgrade it first, e.g. onnx.version_converter.convert_version(model, 13).'
      : `Re-export it with opset_version=${MAX_OPSET} or lower` +
        (opset === MAX_OPSET + 1 ? ` (opset ${opset} was not final when the converter's op table was checked).` : '.'))
  );
}

/** Why a default-domain node of a model newer than the contract cannot be imported, or undefined. */
export function newerOpsetProblem(node: Node, opset: number): string | undefined {
  if (opset <= CONTRACT_OPSET) return undefined;
  const changed = (CHANGED_AFTER_CONTRACT[node.opType] ?? []).filter((c) => c.since <= opset);
  if (!changed.length) return undefined;
  const first = Math.min(...changed.map((c) => c.since));
  return (
    `${changed.map((c) => c.change).join('; ')}, which the converter does not implement; ` +
    `re-export the model with opset_version=${first - 1} or lower`
  );
}
