// computeValidationMetrics against hand-computed values.

import { describe, expect, it } from 'vitest';
import { computeValidationMetrics } from '../src/index.js';

const f32 = (...v: number[]) => new Float32Array(v);

describe('computeValidationMetrics', () => {
  it('identical outputs: cosine 1, SQNR +Infinity, all rows agree, no error', () => {
    const x = f32(0.1, 0.7, 0.2, 0.5, 0.3, 0.2);
    const m = computeValidationMetrics(x, x.slice(), [2, 3], 0.999, 'prob');
    expect(m).toEqual({
      output: 'prob',
      cosine: 1,
      sqnrDb: Infinity,
      pixelAccuracy: 1,
      maxAbsError: 0,
      threshold: 0.999,
      passed: true,
    });
  });

  it('a swapped pair: cosine 24/25, SQNR 10·log10(25/2), argmax differs', () => {
    // e = (3, 4), a = (4, 3): e·a = 24, |e| = |a| = 5; noise = 1 + 1 = 2.
    const m = computeValidationMetrics(f32(4, 3), f32(3, 4), [2], 0.95);
    expect(m.cosine).toBe(0.96);
    expect(m.sqnrDb).toBeCloseTo(10 * Math.log10(12.5), 12); // 10.9691 dB
    expect(m.sqnrDb).toBeCloseTo(10.969100130080564, 12);
    expect(m.pixelAccuracy).toBe(0); // one row of two classes: argmax 0 vs 1
    expect(m.maxAbsError).toBe(1);
    expect(m.passed).toBe(true); // 0.96 >= 0.95
    expect(m.output).toBe('');
    expect(computeValidationMetrics(f32(4, 3), f32(3, 4), [2], 0.99).passed).toBe(false);
  });

  it('two rows of three classes', () => {
    const expected = f32(0.1, 0.7, 0.2, 0.5, 0.3, 0.2);
    const actual = f32(0.2, 0.6, 0.2, 0.3, 0.5, 0.2);
    const m = computeValidationMetrics(actual, expected, [2, 3], 0.9);
    // e·a = .02+.42+.04+.15+.15+.04 = .82; |e|² = .92; |a|² = .82 -> cosine = sqrt(.82/.92).
    expect(m.cosine).toBeCloseTo(Math.sqrt(0.82 / 0.92), 6); // 0.944089
    expect(m.cosine).toBeCloseTo(0.944089, 6);
    // noise = .01+.01+0+.04+.04+0 = .1 -> 10·log10(9.2)
    expect(m.sqnrDb).toBeCloseTo(9.637878, 5);
    expect(m.pixelAccuracy).toBe(0.5); // row 0 agrees (class 1), row 1 does not (0 vs 1)
    expect(m.maxAbsError).toBeCloseTo(0.2, 6);
    expect(m.passed).toBe(true);
  });

  it('rows are every leading dimension (NCHW-like 4-D output)', () => {
    // shape [1, 2, 2, 3] -> 4 rows of 3 classes; rows 0 and 3 agree.
    const expected = f32(1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0);
    const actual = f32(1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0);
    expect(computeValidationMetrics(actual, expected, [1, 2, 2, 3], 0.5).pixelAccuracy).toBe(0.5);
  });

  it('argmax takes the first maximum on ties', () => {
    expect(computeValidationMetrics(f32(2, 2, 1), f32(3, 1, 3), [3], 0).pixelAccuracy).toBe(1); // 0 vs 0
    expect(computeValidationMetrics(f32(1, 2, 2), f32(3, 1, 3), [3], 0).pixelAccuracy).toBe(0); // 1 vs 0
  });

  it('a scaled output is perfectly similar but noisy', () => {
    // a = 2e: cosine 1; noise = Σe² -> SQNR 0 dB; max error = max |e|.
    const e = f32(1, -2, 3);
    const m = computeValidationMetrics(f32(2, -4, 6), e, [1, 3], 0.999);
    expect(m.cosine).toBe(1);
    expect(m.sqnrDb).toBe(0);
    expect(m.maxAbsError).toBe(3);
    expect(m.pixelAccuracy).toBe(1);
    expect(m.passed).toBe(true);
  });

  it('anti-correlated output: cosine -1', () => {
    const m = computeValidationMetrics(f32(-1, -2), f32(1, 2), [2], 0.5);
    expect(m.cosine).toBe(-1);
    expect(m.sqnrDb).toBeCloseTo(10 * Math.log10(5 / 20), 12); // -6.0206 dB
    expect(m.maxAbsError).toBe(4);
    expect(m.passed).toBe(false);
  });

  it('all-zero tensors', () => {
    const both = computeValidationMetrics(f32(0, 0), f32(0, 0), [2], 0.999);
    expect(both.cosine).toBe(1);
    expect(both.sqnrDb).toBe(Infinity);
    expect(both.passed).toBe(true);
    const one = computeValidationMetrics(f32(0, 0), f32(1, 2), [1, 2], 0.999);
    expect(one.cosine).toBe(0);
    expect(one.sqnrDb).toBe(0); // 10·log10(5/5)
    expect(one.maxAbsError).toBe(2);
    expect(one.pixelAccuracy).toBe(0); // argmax 0 vs 1
    expect(one.passed).toBe(false);
  });

  it('accumulates in float64 (float32 squares of 1e30 would overflow)', () => {
    const x = f32(1e30, 1e30, -1e30);
    const m = computeValidationMetrics(x, x.slice(), [3], 0.999);
    expect(m.cosine).toBe(1);
    expect(m.sqnrDb).toBe(Infinity);
    // A small perturbation in float32 is still measured.
    const y = f32(1e30, 1e30, -0.5e30);
    const n = computeValidationMetrics(y, x, [3], 0.999);
    // e·a = 1e60 + 1e60 + .5e60 = 2.5e60; |e|² = 3e60; |a|² = 2.25e60
    expect(n.cosine).toBeCloseTo(2.5 / Math.sqrt(3 * 2.25), 6);
    expect(n.sqnrDb).toBeCloseTo(10 * Math.log10(3 / 0.25), 5); // noise = (.5e30)²
  });

  it('NaN in the output never passes', () => {
    const m = computeValidationMetrics(f32(1, NaN, 3), f32(1, 2, 3), [3], 0);
    expect(m.cosine).toBeNaN();
    expect(m.sqnrDb).toBeNaN();
    expect(m.maxAbsError).toBeNaN();
    expect(m.passed).toBe(false);
  });

  it('scalars and empty tensors', () => {
    const s = computeValidationMetrics(f32(2), f32(2), [], 0.999);
    expect(s).toMatchObject({ cosine: 1, sqnrDb: Infinity, pixelAccuracy: 1, maxAbsError: 0, passed: true });
    const e = computeValidationMetrics(f32(), f32(), [0, 10], 0.999);
    expect(e).toMatchObject({ cosine: 1, sqnrDb: Infinity, pixelAccuracy: 1, maxAbsError: 0, passed: true });
  });

  it('rejects sizes that do not match the shape', () => {
    expect(() => computeValidationMetrics(f32(1, 2, 3), f32(1, 2, 3), [2, 2], 0.9, 'out')).toThrow(
      "output 'out' shape [2,2] holds 4 values, but actual has 3 and expected 3",
    );
    expect(() => computeValidationMetrics(f32(1, 2), f32(1, 2, 3), [2], 0.9)).toThrow(RangeError);
    expect(() => computeValidationMetrics(f32(1, 2), f32(1, 2), [2, -1], 0.9)).toThrow(
      'shape[1] must be a non-negative integer, got -1',
    );
    expect(() => computeValidationMetrics(f32(1, 2), f32(1, 2), [1.5], 0.9)).toThrow(RangeError);
  });
});
