// Inference BatchNormalization folded into a per-channel scale and offset (computed once on the
// host): y = x * scale + offset. gws = (channel blocks, W, N * H); the parameters are
// [ceil(C/4), 1] images.
__kernel void batch_norm(__read_only image2d_t input, __read_only image2d_t scale,
                         __read_only image2d_t offset, const int channel_blocks, const int width,
                         const int rows,  // N * H: gws may be rounded up to a local size
                         __write_only image2d_t output) {
  const int cb = get_global_id(0);
  const int w = get_global_id(1);
  const int y = get_global_id(2);
  if (cb >= channel_blocks || w >= width || y >= rows) return;
  const int2 coord = (int2)(cb * width + w, y);
  const DATA_TYPE4 v = READ_IMAGET(input, kSampler, coord);
  const DATA_TYPE4 s = READ_IMAGET(scale, kSampler, (int2)(cb, 0));
  const DATA_TYPE4 o = READ_IMAGET(offset, kSampler, (int2)(cb, 0));
  WRITE_IMAGET(output, coord, mad(v, s, o));
}
