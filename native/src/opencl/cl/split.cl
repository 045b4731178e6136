// Split along channels. One launch per output j: its channel blocks ob (gws = (blocks, W,
// N * H)) are the input channels offset + 4ob .. + 3, i.e. lanes of one input pixel when the
// offset is a multiple of 4, else of two neighbouring pixels. Lanes past the output's channels
// are padding (they may hold the next output's channels).
__kernel void split_channel(__read_only image2d_t input, const int offset, const int blocks,
                            const int width, const int rows,  // N * H: gws may be rounded up to a local size
                            __write_only image2d_t output) {
  const int ob = get_global_id(0);
  const int w = get_global_id(1);
  const int y = get_global_id(2);
  if (ob >= blocks || w >= width || y >= rows) return;
  const int t = offset + (ob << 2);
  const int shift = t & 3;
  const int ib = t >> 2;
  const DATA_TYPE4 a = READ_IMAGET(input, kSampler, (int2)(ib * width + w, y));
  DATA_TYPE4 r;
  if (shift == 0) {
    r = a;
  } else {
    const DATA_TYPE4 c = READ_IMAGET(input, kSampler, (int2)((ib + 1) * width + w, y));
    r = shift == 1 ? (DATA_TYPE4)(a.y, a.z, a.w, c.x)
                   : (shift == 2 ? (DATA_TYPE4)(a.z, a.w, c.x, c.y) : (DATA_TYPE4)(a.w, c.x, c.y, c.z));
  }
  WRITE_IMAGET(output, (int2)(ob * width + w, y), r);
}
