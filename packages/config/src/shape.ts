// Shape layout helpers: MACE writes shapes in each tensor's own data format (NHWC by
// default); these convert 4-D shapes between that format and NCHW.

import type { DataFormat } from './types.js';

/** A 4-D NHWC shape as NCHW; NCHW, NONE, OIHW and non-4-D shapes are returned unchanged (copied). */
export function shapeToNCHW(shape: number[], format: DataFormat): number[] {
  if (format !== 'NHWC' || shape.length !== 4) return [...shape];
  const [n, h, w, c] = shape as [number, number, number, number];
  return [n, c, h, w];
}

/** Inverse of shapeToNCHW: a 4-D NCHW shape written back in `format` (only NHWC permutes). */
export function shapeFromNCHW(shape: number[], format: DataFormat): number[] {
  if (format !== 'NHWC' || shape.length !== 4) return [...shape];
  const [n, c, h, w] = shape as [number, number, number, number];
  return [n, h, w, c];
}
