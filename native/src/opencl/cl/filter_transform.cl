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
