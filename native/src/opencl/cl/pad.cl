// Pad / crop along H and W (ops/pad.cc on the host builds the maps). `map` holds, per output
// row (out_h entries) then per output column (out_w entries), the source index, or -1 where the
// output is the constant value. One work item per output pixel: (channel block, output column,
// n * out_h + output row).
__kernel void pad(__read_only image2d_t input, __global const int *map, const int in_h, const int in_w,
                  const int out_h, const int out_w, const int channel_blocks, const int rows,
                  const float value, __write_only image2d_t output) {
  const int cb = get_global_id(0), ow = get_global_id(1), nh = get_global_id(2);
  if (cb >= channel_blocks || ow >= out_w || nh >= rows) return;
  const int n = nh / out_h, oh = nh - n * out_h;
  const int ih = map[oh], iw = map[out_h + ow];
  DATA_TYPE4 v = READ_IMAGET(input, kSampler, (int2)(mad24(cb, in_w, iw), mad24(n, in_h, ih)));
  if (ih < 0 || iw < 0) v = (DATA_TYPE4)((DATA_TYPE)value);
  WRITE_IMAGET(output, (int2)(mad24(cb, out_w, ow), nh), v);
}
