// NCHW float buffer <-> MACE channel-major RGBA image [W * ceil(C/4), N * H].
// One work item per pixel: x = channel_block * W + w, y = n * H + h. The host launches exactly
// the image size, so no bounds checks. Channels past C are written as zero, so kernels reading
// the padding see neutral values.



__kernel void nchw_buffer_to_image(__global const float *input, const int channels,
                                   const int height, const int width,
                                   __write_only image2d_t output) {
  const int x = get_global_id(0);
  const int y = get_global_id(1);
  const int cb = x / width;
  const int w = x - cb * width;
  const int n = y / height;
  const int h = y - n * height;
  const int c = cb * 4;
  const int plane = height * width;
  const int offset = ((n * channels + c) * height + h) * width + w;
  const int left = channels - c;
  float4 v = (float4)(0.0f);
  v.x = input[offset];
  if (left > 1) v.y = input[offset + plane];
  if (left > 2) v.z = input[offset + 2 * plane];
  if (left > 3) v.w = input[offset + 3 * plane];
  write_imagef(output, (int2)(x, y), v);
}

__kernel void image_to_nchw_buffer(__read_only image2d_t input, const int channels,
                                   const int height, const int width,
                                   __global float *output) {
  const int x = get_global_id(0);
  const int y = get_global_id(1);
  const int cb = x / width;
  const int w = x - cb * width;
  const int n = y / height;
  const int h = y - n * height;
  const int c = cb * 4;
  const int plane = height * width;
  const int offset = ((n * channels + c) * height + h) * width + w;
  const int left = channels - c;
  const float4 v = read_imagef(input, kSampler, (int2)(x, y));
  output[offset] = v.x;
  if (left > 1) output[offset + plane] = v.y;
  if (left > 2) output[offset + 2 * plane] = v.z;
  if (left > 3) output[offset + 3 * plane] = v.w;
}
