// Resize of H and W (ops/resize.cc on the host builds the tables). `table` holds, per output
// row (out_h entries) then per output column (out_w entries), (lo, hi, w_lo, w_hi): the two
// input indices and their weights; lo < 0 where tf_crop_and_resize extrapolates. One work item
// per output pixel: (channel block, output column, n * out_h + output row).

__kernel void resize_nearest(__read_only image2d_t input, __global const float4 *table,
                             const int in_h, const int in_w, const int out_h, const int out_w,
                             const int channel_blocks, const int rows, const float extrapolation,
                             __write_only image2d_t output) {
  const int cb = get_global_id(0), ow = get_global_id(1), nh = get_global_id(2);
  if (cb >= channel_blocks || ow >= out_w || nh >= rows) return;
  const int n = nh / out_h, oh = nh - n * out_h;
  const float4 th = table[oh], tw = table[out_h + ow];
  // Nearest entries are (pick, pick, 0, 1): the pick is in .y as well.
  const int ih = (int)th.y, iw = (int)tw.y;
  DATA_TYPE4 v = READ_IMAGET(input, kSampler, (int2)(mad24(cb, in_w, iw), mad24(n, in_h, ih)));
  if (th.x < 0 || tw.x < 0) v = (DATA_TYPE4)((DATA_TYPE)extrapolation);
  WRITE_IMAGET(output, (int2)(mad24(cb, out_w, ow), nh), v);
}

// Bilinear, in the CPU kernel's order: w_lo(h) * (w_lo(w) a + w_hi(w) b) + w_hi(h) * (...).
// An axis that does not interpolate has entries (pick, pick, 0, 1).
__kernel void resize_linear(__read_only image2d_t input, __global const float4 *table,
                            const int in_h, const int in_w, const int out_h, const int out_w,
                            const int channel_blocks, const int rows, const float extrapolation,
                            __write_only image2d_t output) {
  const int cb = get_global_id(0), ow = get_global_id(1), nh = get_global_id(2);
  if (cb >= channel_blocks || ow >= out_w || nh >= rows) return;
  const int n = nh / out_h, oh = nh - n * out_h;
  const float4 th = table[oh], tw = table[out_h + ow];
  const int y0 = mad24(n, in_h, (int)th.x), y1 = mad24(n, in_h, (int)th.y);
  const int x0 = mad24(cb, in_w, (int)tw.x), x1 = mad24(cb, in_w, (int)tw.y);
  const DATA_TYPE4 a = READ_IMAGET(input, kSampler, (int2)(x0, y0));
  const DATA_TYPE4 b = READ_IMAGET(input, kSampler, (int2)(x1, y0));
  const DATA_TYPE4 c = READ_IMAGET(input, kSampler, (int2)(x0, y1));
  const DATA_TYPE4 d = READ_IMAGET(input, kSampler, (int2)(x1, y1));
  const DATA_TYPE wl = (DATA_TYPE)tw.z, wh = (DATA_TYPE)tw.w;
  DATA_TYPE4 v = (DATA_TYPE)th.z * (wl * a + wh * b) + (DATA_TYPE)th.w * (wl * c + wh * d);
  if (th.x < 0 || tw.x < 0) v = (DATA_TYPE4)((DATA_TYPE)extrapolation);
  WRITE_IMAGET(output, (int2)(mad24(cb, out_w, ow), nh), v);
}
