// Softmax / LogSoftmax (LOG defined) over the channels of each pixel, numerically stable (the
// maximum is subtracted first). One work item per output pixel (4 channels): gws =
// (channel blocks, W, N * H); each item scans all channel blocks of its pixel for the maximum
// and the sum (blocks with only real channels as float4, the last partial block lane by lane:
// padding lanes never enter), then writes its own block. Arithmetic in float.

inline float4 softmax_read(__read_only image2d_t input, const int b, const int w, const int y, const int width) {
  return convert_float4(READ_IMAGET(input, kSampler, (int2)(b * width + w, y)));
}

__kernel void softmax(__read_only image2d_t input, const int channels, const int channel_blocks,
                      const int width, const int rows,  // N * H: gws may be rounded up to a local size
                      __write_only image2d_t output) {
  const int cb = get_global_id(0);
  const int w = get_global_id(1);
  const int y = get_global_id(2);
  if (cb >= channel_blocks || w >= width || y >= rows) return;
  const int full = channels >> 2;
  const int tail = channels & 3;
  float4 m4 = (float4)(-INFINITY);
  for (int b = 0; b < full; ++b) m4 = fmax(m4, softmax_read(input, b, w, y, width));
  float mx = fmax(fmax(m4.x, m4.y), fmax(m4.z, m4.w));
  float4 last = (float4)(0.0f);
  if (tail > 0) {
    last = softmax_read(input, full, w, y, width);
    mx = fmax(mx, last.x);
    if (tail > 1) mx = fmax(mx, last.y);
    if (tail > 2) mx = fmax(mx, last.z);
  }
  float4 s4 = (float4)(0.0f);
  for (int b = 0; b < full; ++b) s4 += exp(softmax_read(input, b, w, y, width) - mx);
  float sum = (s4.x + s4.y) + (s4.z + s4.w);
  if (tail > 0) {
    sum += exp(last.x - mx);
    if (tail > 1) sum += exp(last.y - mx);
    if (tail > 2) sum += exp(last.z - mx);
  }
  const float4 v = softmax_read(input, cb, w, y, width) - mx;
#ifdef LOG
  const float4 r = v - log(sum);
#else
  const float4 r = exp(v) * (1.0f / sum);
#endif
  WRITE_IMAGET(output, (int2)(cb * width + w, y), CONVERT4(r));
}
