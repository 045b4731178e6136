// PRelu with a per-channel slope ([ceil(C/4), 1] image; a scalar slope is repeated per
// channel): y = x < 0 ? slope * x : x. gws = (channel blocks, W, N * H).
__kernel void prelu(__read_only image2d_t input, __read_only image2d_t slope, const int channel_blocks,
                    const int width, const int rows,  // N * H: gws may be rounded up to a local size
                    __write_only image2d_t output) {
  const int cb = get_global_id(0);
  const int w = get_global_id(1);
  const int y = get_global_id(2);
  if (cb >= channel_blocks || w >= width || y >= rows) return;
  const int2 coord = (int2)(cb * width + w, y);
  const DATA_TYPE4 v = READ_IMAGET(input, kSampler, coord);
  const DATA_TYPE4 a = READ_IMAGET(slope, kSampler, (int2)(cb, 0));
  WRITE_IMAGET(output, coord, select(v, a * v, v < (DATA_TYPE4)(0)));
}
