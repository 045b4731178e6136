// Conv weights -> MACE's weight images, run once per op on its first GPU run (the weights are
// constants). Sources are float buffers in ONNX layout; the images are float or half
// (write_imagef converts). One work item per pixel, launched over exactly the image; lanes past
// the real channel count are written as zero.

// Conv filter W [O, I, KH, KW] -> image [I, ceil(O/4) * KH * KW]:
// pixel (i, ob * KH*KW + kh*KW + kw) = W[4ob..4ob+3, i, kh, kw].
__kernel void conv_filter_to_image(__global const float *filter, const int out_channels,
                                   const int in_channels, const int kernel_size,  // KH * KW
                                   __write_only image2d_t output) {
  const int i = get_global_id(0);
  const int y = get_global_id(1);
  const int ob = y / kernel_size;
  const int tap = y - ob * kernel_size;
  const int o = ob * 4;
  const int stride = in_channels * kernel_size;  // between output channels
  const int offset = (o * in_channels + i) * kernel_size + tap;
  const int left = out_channels - o;
  float4 v = (float4)(0.0f);
  v.x = filter[offset];
  if (left > 1) v.y = filter[offset + stride];
  if (left > 2) v.z = filter[offset + 2 * stride];
  if (left > 3) v.w = filter[offset + 3 * stride];
  write_imagef(output, (int2)(i, y), v);
}

// Depthwise filter W [C * M, 1, KH, KW] (output channel c*M + m reads input channel c) ->
// image [KH*KW * M, ceil(C/4)]: pixel (m * KH*KW + kh*KW + kw, cb) = the weights of output
// channels (4cb + j) * M + m, j = 0..3, at that tap.
__kernel void dw_filter_to_image(__global const float *filter, const int channels,
                                 const int multiplier, const int kernel_size,
                                 __write_only image2d_t output) {
  const int x = get_global_id(0);
  const int cb = get_global_id(1);
  const int m = x / kernel_size;
  const int tap = x - m * kernel_size;
  const int c = cb * 4;
  const int stride = multiplier * kernel_size;  // between input channels
  const int offset = (c * multiplier + m) * kernel_size + tap;
  const int left = channels - c;
  float4 v = (float4)(0.0f);
  v.x = filter[offset];
  if (left > 1) v.y = filter[offset + stride];
  if (left > 2) v.z = filter[offset + 2 * stride];
  if (left > 3) v.w = filter[offset + 3 * stride];
  write_imagef(output, (int2)(x, cb), v);
}

// Bias B [O] -> image [ceil(O/4), 1].
__kernel void bias_to_image(__global const float *bias, const int channels,
                            __write_only image2d_t output) {
  const int ob = get_global_id(0);
  const int c = ob * 4;
  const int left = channels - c;
  float4 v = (float4)(0.0f);
  v.x = bias[c];
  if (left > 1) v.y = bias[c + 1];
  if (left > 2) v.z = bias[c + 2];
  if (left > 3) v.w = bias[c + 3];
  write_imagef(output, (int2)(ob, 0), v);
}

// Winograd F(m x m, 3 x 3) filter transform (m = wino_m, 2 or 4; tile T = m + 2): W [O, C, 3, 3]
// -> V = G g G^T in image [C, ceil(O/4) * T*T]: pixel (c, ob * T*T + row * T + col) holds output
// channels 4ob..4ob+3 of input channel c. Computed in float, and the image is float whatever the
// engine's storage (winograd_transform.cl says why); lanes past O are zero.
inline void winograd_g(const int wino_m, const float4 g0, const float4 g1, const float4 g2, float4 *r) {
  if (wino_m == 2) {
    r[0] = g0;
    r[1] = 0.5f * (g0 + g1 + g2);
    r[2] = 0.5f * (g0 - g1 + g2);
    r[3] = g2;
  } else {
    r[0] = 0.25f * g0;
    r[1] = -(g0 + g1 + g2) / 6.0f;
    r[2] = -(g0 - g1 + g2) / 6.0f;
    r[3] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
    r[4] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
    r[5] = g2;
  }
}

__kernel void winograd_filter_to_image(__global const float *filter, const int out_channels,
                                       const int in_channels, const int wino_m,
                                       __write_only image2d_t output) {
  const int c = get_global_id(0);
  const int ob = get_global_id(1);
  const int t = wino_m + 2;
  const int o = ob * 4;
  const int left = out_channels - o;
  float4 g[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int offset = ((o * in_channels + c) * 3 + i) * 3 + j;
      const int stride = in_channels * 9;
      float4 v = (float4)(0.0f);
      v.x = filter[offset];
      if (left > 1) v.y = filter[offset + stride];
      if (left > 2) v.z = filter[offset + 2 * stride];
      if (left > 3) v.w = filter[offset + 3 * stride];
      g[i][j] = v;
    }
  // Columns: tmp[r][j] = (G g)[r][j]; rows: V[r][s] = (tmp G^T)[r][s].
  float4 tmp[6][3];
  for (int j = 0; j < 3; ++j) {
    float4 r[6];
    winograd_g(wino_m, g[0][j], g[1][j], g[2][j], r);
    for (int i = 0; i < t; ++i) tmp[i][j] = r[i];
  }
  for (int i = 0; i < t; ++i) {
    float4 r[6];
    winograd_g(wino_m, tmp[i][0], tmp[i][1], tmp[i][2], r);
    for (int j = 0; j < t; ++j) write_imagef(output, (int2)(c, ob * t * t + i * t + j), r[j]);
  }
}
