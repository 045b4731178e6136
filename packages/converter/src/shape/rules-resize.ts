// Shape rule for Resize (opset-19 form: X, roi, scales, sizes; axes and keep_aspect_ratio_policy attributes).
// Output sizes come from constant sizes or scales (floor(in × scale)), else stay unknown.
import { attrInts, attrString } from '../ir/graph.js';
import { type ShapeRule, unknown } from './context.js';

const resize: ShapeRule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return [unknown(dtype)];
  const r = x.length;
  const axes = (attrInts(c.node, 'axes') ?? x.map((_, i) => i)).map((a) => c.axis(a, r));
  const out = [...x];
  const sizes = c.has(3) ? c.ints(3) : null;
  const scales = c.has(2) ? c.ints(2) : null;
  if (sizes && sizes.length > 0) {
    if (sizes.length !== axes.length) c.fail(`sizes has ${sizes.length} values for ${axes.length} axes`);
    const policy = attrString(c.node, 'keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') axes.forEach((a, k) => (out[a] = sizes[k]));
    else {
      if (axes.some((a) => x[a] < 0)) axes.forEach((a) => (out[a] = -1));
      else {
        const ratios = axes.map((a, k) => sizes[k] / x[a]);
        const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
        axes.forEach((a) => (out[a] = Math.round(s * x[a])));
      }
    }
  } else if (scales && scales.length > 0) {
    if (scales.length !== axes.length) c.fail(`scales has ${scales.length} values for ${axes.length} axes`);
    const roi = c.has(1) ? c.ints(1) : null;
    const crop = attrString(c.node, 'coordinate_transformation_mode', 'half_pixel') === 'tf_crop_and_resize';
    axes.forEach((a, k) => {
      if (x[a] < 0) return (out[a] = -1);
      let len = x[a];
      if (crop) {
        if (!roi) return (out[a] = -1);
        len = x[a] * (roi[k + axes.length] - roi[k]);
      }
      out[a] = Math.floor(Math.fround(len * Math.fround(scales[k])));
    });
  } else if (c.has(2) || c.has(3)) axes.forEach((a) => (out[a] = -1));
  else c.fail('Resize needs scales or sizes');
  return [{ dtype, shape: out }];
};

export function resizeRules() {
  return { Resize: resize };
}
