// Output validation of `mace run --validate`: how close the runtime's output is to the
// reference framework's, by MACE's measures (cosine similarity, SQNR, pixel accuracy).

export interface ValidationMetrics {
  /** The output tensor's name. */
  output: string;
  /** Cosine similarity of the flattened tensors, computed in float64. */
  cosine: number;
  /** 10·log10(Σexpected² / Σ(expected−actual)²); +Infinity when identical. */
  sqnrDb: number;
  /** Fraction of rows (last dimension = classes) whose argmax agrees. */
  pixelAccuracy: number;
  maxAbsError: number;
  /** The cosine similarity the output must reach (MACE's validation_threshold). */
  threshold: number;
  /** cosine >= threshold. */
  passed: boolean;
}

function elementCount(shape: number[]): number {
  let n = 1;
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`shape[${i}] must be a non-negative integer, got ${d}`);
    n *= d;
  });
  return n;
}

// Index of the first largest value; NaN never wins (a row of NaNs gives -1).
function argmax(v: Float32Array, from: number, to: number): number {
  let best = -1;
  let max = -Infinity;
  for (let i = from; i < to; ++i)
    if (v[i] > max || (best < 0 && v[i] === -Infinity)) {
      max = v[i];
      best = i - from;
    }
  return best;
}

/**
 * Compares `actual` (the runtime's output) with `expected` (the reference), both laid out
 * row-major in `shape`. All sums are in float64.
 *
 * - cosine: Σa·e / (‖a‖·‖e‖); 1 when both are all zeros, 0 when only one is.
 * - sqnrDb: 10·log10(Σe² / Σ(e−a)²); +Infinity when identical (no noise).
 * - pixelAccuracy: rows are the shape's leading dimensions, classes its last; the fraction of rows
 *   whose argmax (first maximum) agrees. A scalar or an empty tensor scores 1.
 * - maxAbsError: max |e−a|.
 * NaNs propagate into cosine, sqnrDb and maxAbsError, so such an output never passes.
 */
export function computeValidationMetrics(
  actual: Float32Array,
  expected: Float32Array,
  shape: number[],
  threshold: number,
  output = '',
): ValidationMetrics {
  const n = elementCount(shape);
  if (actual.length !== n || expected.length !== n)
    throw new RangeError(
      `output ${output ? `'${output}' ` : ''}shape [${shape.join(',')}] holds ${n} values, ` +
        `but actual has ${actual.length} and expected ${expected.length}`,
    );

  let dot = 0;
  let aa = 0;
  let ee = 0;
  let noise = 0;
  let maxAbsError = 0;
  for (let i = 0; i < n; ++i) {
    const a = actual[i];
    const e = expected[i];
    dot += a * e;
    aa += a * a;
    ee += e * e;
    const d = e - a;
    noise += d * d;
    const ad = Math.abs(d);
    if (Number.isNaN(ad)) maxAbsError = NaN;
    else if (ad > maxAbsError) maxAbsError = ad; // never true once NaN
  }

  let cosine: number;
  if (aa === 0 && ee === 0) cosine = 1;
  else if (aa === 0 || ee === 0) cosine = 0;
  // sqrt(aa·ee) rather than sqrt(aa)·sqrt(ee): identical tensors then give exactly 1.
  // float32 inputs cannot overflow or underflow the float64 product.
  else cosine = Math.min(1, Math.max(-1, dot / Math.sqrt(aa * ee)));

  const sqnrDb = noise === 0 ? Infinity : 10 * Math.log10(ee / noise);

  let pixelAccuracy = 1;
  const classes = shape.length > 0 ? shape[shape.length - 1] : 1;
  if (n > 0 && classes > 0) {
    const rows = n / classes;
    let agree = 0;
    for (let r = 0; r < rows; ++r) {
      const from = r * classes;
      const ia = argmax(actual, from, from + classes);
      if (ia >= 0 && ia === argmax(expected, from, from + classes)) ++agree;
    }
    pixelAccuracy = agree / rows;
  }

  return { output, cosine, sqnrDb, pixelAccuracy, maxAbsError, threshold, passed: cosine >= threshold };
}
