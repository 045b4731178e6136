// shapeToNCHW / shapeFromNCHW: 4-D NHWC <-> NCHW permutation, everything else unchanged.

import { describe, expect, it } from 'vitest';
import { shapeFromNCHW, shapeToNCHW } from '../src/index.js';

describe('shape layout helpers', () => {
  it('permutes 4-D NHWC shapes to NCHW and back', () => {
    expect(shapeToNCHW([1, 224, 200, 3], 'NHWC')).toEqual([1, 3, 224, 200]);
    expect(shapeFromNCHW([1, 3, 224, 200], 'NHWC')).toEqual([1, 224, 200, 3]);
    expect(shapeFromNCHW(shapeToNCHW([2, 5, 7, 11], 'NHWC'), 'NHWC')).toEqual([2, 5, 7, 11]);
  });

  it('returns NCHW, NONE and OIHW shapes unchanged', () => {
    for (const f of ['NCHW', 'NONE', 'OIHW'] as const) {
      expect(shapeToNCHW([1, 3, 224, 224], f)).toEqual([1, 3, 224, 224]);
      expect(shapeFromNCHW([1, 3, 224, 224], f)).toEqual([1, 3, 224, 224]);
    }
  });

  it('returns non-4-D shapes unchanged, as a copy', () => {
    const s = [1, 1001];
    const out = shapeToNCHW(s, 'NHWC');
    expect(out).toEqual([1, 1001]);
    expect(out).not.toBe(s);
    expect(shapeFromNCHW([1, 28, 28], 'NHWC')).toEqual([1, 28, 28]);
    expect(shapeToNCHW([], 'NHWC')).toEqual([]);
  });
});
