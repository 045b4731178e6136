// ConvTranspose 2-D (group 1 or depthwise, dilation 1), MACE's deconv_2d design.
//
// Output (oh, ow) receives input (ih, iw) through tap (kh, kw) when oh = ih * s_h - p_h + kh and
// ow = iw * s_w - p_w + kw. A work item computes output channel block ocb at the four output
// columns ow0 + j * s_w (j = 0..3, ow0 < s_w is their residue class start plus a block offset):
// they all use the taps kw = (ow0 + p_w) mod s_w, + s_w, ... and read input columns iw0 + j.
// gws: (output channel blocks, s_w * ceil(ceil(out_w / s_w) / 4), n * out_h).

#ifdef USE_HALF
#define MASK4 short4
#define CONVERT_MASK4 convert_short4
#else
#define MASK4 int4
#define CONVERT_MASK4 convert_int4
#endif

// out += in.x * w0 + in.y * w1 + in.z * w2 + in.w * w3 (4 input channels into 4 output channels).
#define DECONV_MAD(out, in)                                                                      \
  out = mad((DATA_TYPE4)((in).x), w0, out);                                                      \
  out = mad((DATA_TYPE4)((in).y), w1, out);                                                      \
  out = mad((DATA_TYPE4)((in).z), w2, out);                                                      \
  out = mad((DATA_TYPE4)((in).w), w3, out)

// Weights [C_in, C_out, kH, kW] (float buffer) -> image: pixel (ci, ocb * taps + t) holds
// W[ci, 4 ocb .. 4 ocb + 3, t] (t = kh * kW + kw), 0 past C_in or C_out.
__kernel void deconv_weights(__global const float *w, const int in_c, const int out_c, const int taps,
                             __write_only image2d_t image) {
  const int ci = get_global_id(0), y = get_global_id(1);
  if (ci >= get_image_width(image) || y >= get_image_height(image)) return;
  const int ocb = y / taps, t = y - ocb * taps;
  float4 v = (float4)0;
  if (ci < in_c) {
    const int co = ocb * 4;
    const int base = (ci * out_c + co) * taps + t;
    if (co < out_c) v.x = w[base];
    if (co + 1 < out_c) v.y = w[base + taps];
    if (co + 2 < out_c) v.z = w[base + 2 * taps];
    if (co + 3 < out_c) v.w = w[base + 3 * taps];
  }
  WRITE_IMAGET(image, (int2)(ci, y), CONVERT4(v));
}

__kernel void deconv_2d(__read_only image2d_t input, __read_only image2d_t weights, __global const float *bias,
                        __write_only image2d_t output, const int in_c, const int in_blocks, const int in_h,
                        const int in_w, const int out_h, const int out_w, const int s_h, const int s_w,
                        const int p_h, const int p_w, const int k_h, const int k_w, const int out_blocks,
                        const int width_blocks, const int rows, const float alpha, const float beta) {
  const int ocb = get_global_id(0), wb = get_global_id(1), nh = get_global_id(2);
  if (ocb >= out_blocks || wb >= width_blocks || nh >= rows) return;
  const int r = wb % s_w;
  const int ow0 = r + (wb / s_w) * 4 * s_w;
  if (ow0 >= out_w) return;
  const int n = nh / out_h, oh = nh - n * out_h;

  const DATA_TYPE4 b = CONVERT4(vload4(ocb, bias));
  DATA_TYPE4 out0 = b, out1 = b, out2 = b, out3 = b;
  // Lanes of the last input block past C_in hold anything: zero them before they meet weights.
  const MASK4 tail = CONVERT_MASK4((int4)(0, 1, 2, 3) < (int4)(in_c - (in_blocks - 1) * 4));
  const int taps = k_h * k_w;
  const int kh0 = ((oh + p_h) % s_h + s_h) % s_h;
  const int kw0 = ((r + p_w) % s_w + s_w) % s_w;
  for (int kh = kh0; kh < k_h; kh += s_h) {
    const int ih = (oh + p_h - kh) / s_h;  // exact: oh + p_h - kh is a multiple of s_h
    if (ih < 0 || ih >= in_h) continue;
    const int y = mad24(n, in_h, ih);
    for (int kw = kw0; kw < k_w; kw += s_w) {
      const int iw0 = (ow0 + p_w - kw) / s_w;  // exact, as above
      // Columns outside the input read the border (0) through a negative coordinate.
      const int x0 = iw0 >= 0 && iw0 < in_w ? iw0 : -(1 << 28);
      const int x1 = iw0 + 1 >= 0 && iw0 + 1 < in_w ? iw0 + 1 : -(1 << 28);
      const int x2 = iw0 + 2 >= 0 && iw0 + 2 < in_w ? iw0 + 2 : -(1 << 28);
      const int x3 = iw0 + 3 >= 0 && iw0 + 3 < in_w ? iw0 + 3 : -(1 << 28);
      const int wy = mad24(ocb, taps, mad24(kh, k_w, kw));
      for (int icb = 0; icb < in_blocks; ++icb) {
        const int xb = icb * in_w;
        DATA_TYPE4 in0 = READ_IMAGET(input, kSampler, (int2)(xb + x0, y));
        DATA_TYPE4 in1 = READ_IMAGET(input, kSampler, (int2)(xb + x1, y));
        DATA_TYPE4 in2 = READ_IMAGET(input, kSampler, (int2)(xb + x2, y));
        DATA_TYPE4 in3 = READ_IMAGET(input, kSampler, (int2)(xb + x3, y));
        if (icb == in_blocks - 1) {
          in0 = select((DATA_TYPE4)0, in0, tail);
          in1 = select((DATA_TYPE4)0, in1, tail);
          in2 = select((DATA_TYPE4)0, in2, tail);
          in3 = select((DATA_TYPE4)0, in3, tail);
        }
        const int wx = icb << 2;
        const DATA_TYPE4 w0 = READ_IMAGET(weights, kSampler, (int2)(wx, wy));
        const DATA_TYPE4 w1 = READ_IMAGET(weights, kSampler, (int2)(wx + 1, wy));
        const DATA_TYPE4 w2 = READ_IMAGET(weights, kSampler, (int2)(wx + 2, wy));
        const DATA_TYPE4 w3 = READ_IMAGET(weights, kSampler, (int2)(wx + 3, wy));
        DECONV_MAD(out0, in0);
        DECONV_MAD(out1, in1);
        DECONV_MAD(out2, in2);
        DECONV_MAD(out3, in3);
      }
    }
  }
  const int x = ocb * out_w;
  WRITE_IMAGET(output, (int2)(x + ow0, nh), do_activation(out0, alpha, beta));
  if (ow0 + s_w < out_w) WRITE_IMAGET(output, (int2)(x + ow0 + s_w, nh), do_activation(out1, alpha, beta));
  if (ow0 + 2 * s_w < out_w) WRITE_IMAGET(output, (int2)(x + ow0 + 2 * s_w, nh), do_activation(out2, alpha, beta));
  if (ow0 + 3 * s_w < out_w) WRITE_IMAGET(output, (int2)(x + ow0 + 3 * s_w, nh), do_activation(out3, alpha, beta));
}

// Depthwise (group = C): W [C, 1, kH, kW] (float buffer) -> image: pixel (t, cb) holds
// W[4 cb .. 4 cb + 3, 0, t], 0 past C.
__kernel void depthwise_deconv_weights(__global const float *w, const int channels, const int taps,
                                       __write_only image2d_t image) {
  const int t = get_global_id(0), cb = get_global_id(1);
  if (t >= get_image_width(image) || cb >= get_image_height(image)) return;
  const int c = cb * 4;
  float4 v = (float4)0;
  if (c < channels) v.x = w[c * taps + t];
  if (c + 1 < channels) v.y = w[(c + 1) * taps + t];
  if (c + 2 < channels) v.z = w[(c + 2) * taps + t];
  if (c + 3 < channels) v.w = w[(c + 3) * taps + t];
  WRITE_IMAGET(image, (int2)(t, cb), CONVERT4(v));
}

// Depthwise: output lane k of block cb sums input lane k of block cb over the taps (padding
// lanes only reach padding lanes). Same work items and tap walk as deconv_2d.
__kernel void depthwise_deconv_2d(__read_only image2d_t input, __read_only image2d_t weights,
                                  __global const float *bias, __write_only image2d_t output, const int in_h,
                                  const int in_w, const int out_h, const int out_w, const int s_h, const int s_w,
                                  const int p_h, const int p_w, const int k_h, const int k_w, const int blocks,
                                  const int width_blocks, const int rows, const float alpha, const float beta) {
  const int cb = get_global_id(0), wb = get_global_id(1), nh = get_global_id(2);
  if (cb >= blocks || wb >= width_blocks || nh >= rows) return;
  const int r = wb % s_w;
  const int ow0 = r + (wb / s_w) * 4 * s_w;
  if (ow0 >= out_w) return;
  const int n = nh / out_h, oh = nh - n * out_h;

  const DATA_TYPE4 b = CONVERT4(vload4(cb, bias));
  DATA_TYPE4 out0 = b, out1 = b, out2 = b, out3 = b;
  const int kh0 = ((oh + p_h) % s_h + s_h) % s_h;
  const int kw0 = ((r + p_w) % s_w + s_w) % s_w;
  const int xb = cb * in_w;
  for (int kh = kh0; kh < k_h; kh += s_h) {
    const int ih = (oh + p_h - kh) / s_h;  // exact
    if (ih < 0 || ih >= in_h) continue;
    const int y = mad24(n, in_h, ih);
    for (int kw = kw0; kw < k_w; kw += s_w) {
      const int iw0 = (ow0 + p_w - kw) / s_w;  // exact
      const int x0 = iw0 >= 0 && iw0 < in_w ? xb + iw0 : -1;
      const int x1 = iw0 + 1 >= 0 && iw0 + 1 < in_w ? xb + iw0 + 1 : -1;
      const int x2 = iw0 + 2 >= 0 && iw0 + 2 < in_w ? xb + iw0 + 2 : -1;
      const int x3 = iw0 + 3 >= 0 && iw0 + 3 < in_w ? xb + iw0 + 3 : -1;
      const DATA_TYPE4 w = READ_IMAGET(weights, kSampler, (int2)(mad24(kh, k_w, kw), cb));
      out0 = mad(READ_IMAGET(input, kSampler, (int2)(x0, y)), w, out0);
      out1 = mad(READ_IMAGET(input, kSampler, (int2)(x1, y)), w, out1);
      out2 = mad(READ_IMAGET(input, kSampler, (int2)(x2, y)), w, out2);
      out3 = mad(READ_IMAGET(input, kSampler, (int2)(x3, y)), w, out3);
    }
  }
  const int x = cb * out_w;
  WRITE_IMAGET(output, (int2)(x + ow0, nh), do_activation(out0, alpha, beta));
  if (ow0 + s_w < out_w) WRITE_IMAGET(output, (int2)(x + ow0 + s_w, nh), do_activation(out1, alpha, beta));
  if (ow0 + 2 * s_w < out_w) WRITE_IMAGET(output, (int2)(x + ow0 + 2 * s_w, nh), do_activation(out2, alpha, beta));
  if (ow0 + 3 * s_w < out_w) WRITE_IMAGET(output, (int2)(x + ow0 + 3 * s_w, nh), do_activation(out3, alpha, beta));
}
