// Pad / crop (ops/pad.cc on the host builds the maps). `map` holds the source index, or -1
// where the output is the constant value, of every output index along N (out_n entries), then
// C (out_c), H (out_h) and W (out_w). One work item per output pixel: (channel block, output
// column, n * out_h + output row).

// C passes through: whole pixels are copied.
__kernel void pad(__read_only image2d_t input, __global const int *map, const int in_h, const int in_w,
                  const int out_n, const int out_c, const int out_h, const int out_w, const int channel_blocks,
                  const int rows, const float value, __write_only image2d_t output) {
  const int cb = get_global_id(0), ow = get_global_id(1), nh = get_global_id(2);
  if (cb >= channel_blocks || ow >= out_w || nh >= rows) return;
  const int n = nh / out_h, oh = nh - n * out_h;
  const int in_n = map[n], ih = map[out_n + out_c + oh], iw = map[out_n + out_c + out_h + ow];
  DATA_TYPE4 v = READ_IMAGET(input, kSampler, (int2)(mad24(cb, in_w, iw), mad24(in_n, in_h, ih)));
  if (in_n < 0 || ih < 0 || iw < 0) v = (DATA_TYPE4)((DATA_TYPE)value);
  WRITE_IMAGET(output, (int2)(mad24(cb, out_w, ow), nh), v);
}

inline DATA_TYPE pad_lane(const DATA_TYPE4 v, const int lane) {
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}

// Channel `oc` (< out_c) of the output pixel whose source pixel is (x = iw, y = in_n * in_h + ih).
inline DATA_TYPE pad_channel(__read_only image2d_t input, __global const int *map, const int out_n, const int in_w,
                             const int iw, const int y, const bool inside, const float value, const int oc) {
  const int ic = map[out_n + oc];
  if (!inside || ic < 0) return (DATA_TYPE)value;
  return pad_lane(READ_IMAGET(input, kSampler, (int2)(mad24(ic >> 2, in_w, iw), y)), ic & 3);
}

// C padded or cropped: each channel is gathered from its source pixel and lane (lanes past
// out_c are written as 0).
__kernel void pad_channels(__read_only image2d_t input, __global const int *map, const int in_h, const int in_w,
                           const int out_n, const int out_c, const int out_h, const int out_w,
                           const int channel_blocks, const int rows, const float value,
                           __write_only image2d_t output) {
  const int cb = get_global_id(0), ow = get_global_id(1), nh = get_global_id(2);
  if (cb >= channel_blocks || ow >= out_w || nh >= rows) return;
  const int n = nh / out_h, oh = nh - n * out_h;
  const int in_n = map[n], ih = map[out_n + out_c + oh], iw = map[out_n + out_c + out_h + ow];
  const bool inside = in_n >= 0 && ih >= 0 && iw >= 0;
  const int y = mad24(in_n, in_h, ih), oc = cb << 2;
  DATA_TYPE4 r;
  r.x = pad_channel(input, map, out_n, in_w, iw, y, inside, value, oc);
  r.y = oc + 1 < out_c ? pad_channel(input, map, out_n, in_w, iw, y, inside, value, oc + 1) : (DATA_TYPE)0;
  r.z = oc + 2 < out_c ? pad_channel(input, map, out_n, in_w, iw, y, inside, value, oc + 2) : (DATA_TYPE)0;
  r.w = oc + 3 < out_c ? pad_channel(input, map, out_n, in_w, iw, y, inside, value, oc + 3) : (DATA_TYPE)0;
  WRITE_IMAGET(output, (int2)(mad24(cb, out_w, ow), nh), r);
}
