// Depthwise 2-D convolution (group = C_in). depthwise_conv2d: channel multiplier 1 (C_out = C_in;
// MACE's depthwise_conv2d / depthwise_conv2d_s1 designs); depthwise_conv2d_multiplier (below):
// C_out = C_in * M. FILTER_H, FILTER_W are build options.
//
// Work item (ch_blk, out_w_blk, n * out_height + oh) computes 4 channels x 4 consecutive output
// widths w = 4 * out_w_blk + i. Filter image [KH*KW, ceil(C/4)]: pixel (kh*KW + kw, cb) holds the
// 4 channels' weights at (kh, kw). -DBIAS: bias image [ceil(C/4), 1]. ACTIVATION_TYPE: common.cl.
// Channels are independent lanes, so padding channels only reach padding channels.
//
// -DSTRIDE1 (stride_w 1, dilation_w 1): the 4 widths' input windows overlap, so each tap reads
// one new input pixel and slides the other three (MACE's s1 kernel); otherwise each tap reads 4.
// Out-of-range rows are skipped by the kh loop bounds; out-of-range columns read at x = -1,
// outside the image (the sampler returns 0).

#define READ_INPUT(IW) \
  READ_IMAGET(input, kSampler, (int2)((IW) < 0 || (IW) >= in_width ? -1 : in_x + (IW), in_y))

__kernel void depthwise_conv2d(__read_only image2d_t input,
                               __read_only image2d_t filter,
                               __read_only image2d_t bias,
                               __write_only image2d_t output,
                               const float alpha, const float beta,
                               const int in_height, const int in_width,
                               const int ch_blks, const int out_height, const int out_width,
                               const int out_w_blks, const int out_hb,
                               const int stride_h, const int stride_w,
                               const int pad_top, const int pad_left,
                               const int dilation_h, const int dilation_w) {
  const int ch_blk = get_global_id(0);
  const int out_w_blk = get_global_id(1);
  const int hb = get_global_id(2);
  if (ch_blk >= ch_blks || out_w_blk >= out_w_blks || hb >= out_hb) return;

#ifdef BIAS
  DATA_TYPE4 out0 = READ_IMAGET(bias, kSampler, (int2)(ch_blk, 0));
#else
  DATA_TYPE4 out0 = (DATA_TYPE4)(0);
#endif
  DATA_TYPE4 out1 = out0, out2 = out0, out3 = out0;

  const int n = hb / out_height;
  const int oh = hb - mul24(n, out_height);
  const int ih0 = mad24(oh, stride_h, -pad_top);
  const int kh_begin = ih0 < 0 ? (dilation_h - 1 - ih0) / dilation_h : 0;
  const int kh_end = ih0 >= in_height ? 0 : min(FILTER_H, (in_height - ih0 + dilation_h - 1) / dilation_h);
  const int in_y_base = mad24(n, in_height, ih0);
  const int in_x = mul24(ch_blk, in_width);
  const int ow0 = out_w_blk << 2;

#ifdef STRIDE1
  const int iw0 = ow0 - pad_left;
#else
  const int iw0 = mad24(ow0, stride_w, -pad_left);
  const int iw_step = stride_w;
#endif

  for (int kh = kh_begin; kh < kh_end; ++kh) {
    const int in_y = in_y_base + mul24(kh, dilation_h);
    const int fx = mul24(kh, FILTER_W);
#ifdef STRIDE1
    DATA_TYPE4 in0 = READ_INPUT(iw0);
    DATA_TYPE4 in1 = READ_INPUT(iw0 + 1);
    DATA_TYPE4 in2 = READ_INPUT(iw0 + 2);
#pragma unroll
    for (int kw = 0; kw < FILTER_W; ++kw) {
      const DATA_TYPE4 in3 = READ_INPUT(iw0 + kw + 3);
      const DATA_TYPE4 wt = READ_IMAGET(filter, kSampler, (int2)(fx + kw, ch_blk));
      out0 = mad(in0, wt, out0);
      out1 = mad(in1, wt, out1);
      out2 = mad(in2, wt, out2);
      out3 = mad(in3, wt, out3);
      in0 = in1;
      in1 = in2;
      in2 = in3;
    }
#else
#pragma unroll
    for (int kw = 0; kw < FILTER_W; ++kw) {
      const int iw = iw0 + mul24(kw, dilation_w);
      const DATA_TYPE4 in0 = READ_INPUT(iw);
      const DATA_TYPE4 in1 = READ_INPUT(iw + iw_step);
      const DATA_TYPE4 in2 = READ_INPUT(iw + 2 * iw_step);
      const DATA_TYPE4 in3 = READ_INPUT(iw + 3 * iw_step);
      const DATA_TYPE4 wt = READ_IMAGET(filter, kSampler, (int2)(fx + kw, ch_blk));
      out0 = mad(in0, wt, out0);
      out1 = mad(in1, wt, out1);
      out2 = mad(in2, wt, out2);
      out3 = mad(in3, wt, out3);
    }
#endif
  }

  const int out_x = mad24(ch_blk, out_width, ow0);
  const int left = out_width - ow0;
  WRITE_IMAGET(output, (int2)(out_x, hb), do_activation(out0, alpha, beta));
  if (left > 1) WRITE_IMAGET(output, (int2)(out_x + 1, hb), do_activation(out1, alpha, beta));
  if (left > 2) WRITE_IMAGET(output, (int2)(out_x + 2, hb), do_activation(out2, alpha, beta));
  if (left > 3) WRITE_IMAGET(output, (int2)(out_x + 3, hb), do_activation(out3, alpha, beta));
}


// Depthwise with channel multiplier M > 1 (group = C_in, C_out = C_in * M): output channel o
// reads input channel o / M. Work item (out_ch_blk, out_w_blk, n * out_height + oh) computes 4
// output channels x 4 consecutive widths; its input channels (4ob + j) / M all lie in one input
// block (an input block starts at channel 4k, i.e. output channel 4kM, which starts an output
// block too), so each input pixel costs one read and a lane gather. Filter image: the
// conv filter layout with one input channel, [1, ceil(O/4) * KH*KW]: pixel (0, ob * KH*KW + tap)
// holds output channels 4ob..4ob+3 at that tap. Lanes of output channels past O read whatever is
// there and are never part of the tensor.

inline DATA_TYPE lane_of(const DATA_TYPE4 v, const int l) {
  return l == 0 ? v.x : (l == 1 ? v.y : (l == 2 ? v.z : v.w));
}

inline DATA_TYPE4 gather(__read_only image2d_t input, const int in_x, const int iw, const int in_width,
                         const int in_y, const int4 lanes) {
  const DATA_TYPE4 v = READ_IMAGET(input, kSampler, (int2)(iw < 0 || iw >= in_width ? -1 : in_x + iw, in_y));
  return (DATA_TYPE4)(lane_of(v, lanes.x), lane_of(v, lanes.y), lane_of(v, lanes.z), lane_of(v, lanes.w));
}

__kernel void depthwise_conv2d_multiplier(__read_only image2d_t input,
                                          __read_only image2d_t filter,
                                          __read_only image2d_t bias,
                                          __write_only image2d_t output,
                                          const float alpha, const float beta,
                                          const int in_height, const int in_width, const int multiplier,
                                          const int out_ch_blks, const int out_height, const int out_width,
                                          const int out_w_blks, const int out_hb,
                                          const int stride_h, const int stride_w,
                                          const int pad_top, const int pad_left,
                                          const int dilation_h, const int dilation_w) {
  const int out_ch_blk = get_global_id(0);
  const int out_w_blk = get_global_id(1);
  const int hb = get_global_id(2);
  if (out_ch_blk >= out_ch_blks || out_w_blk >= out_w_blks || hb >= out_hb) return;

#ifdef BIAS
  DATA_TYPE4 out0 = READ_IMAGET(bias, kSampler, (int2)(out_ch_blk, 0));
#else
  DATA_TYPE4 out0 = (DATA_TYPE4)(0);
#endif
  DATA_TYPE4 out1 = out0, out2 = out0, out3 = out0;

  const int4 in_c = ((int4)(0, 1, 2, 3) + (out_ch_blk << 2)) / multiplier;
  const int4 lanes = in_c & 3;
  const int in_x = mul24(in_c.x >> 2, in_width);

  const int n = hb / out_height;
  const int oh = hb - mul24(n, out_height);
  const int ih0 = mad24(oh, stride_h, -pad_top);
  const int kh_begin = ih0 < 0 ? (dilation_h - 1 - ih0) / dilation_h : 0;
  const int kh_end = ih0 >= in_height ? 0 : min(FILTER_H, (in_height - ih0 + dilation_h - 1) / dilation_h);
  const int in_y_base = mad24(n, in_height, ih0);
  const int ow0 = out_w_blk << 2;
  const int iw0 = mad24(ow0, stride_w, -pad_left);

  for (int kh = kh_begin; kh < kh_end; ++kh) {
    const int in_y = in_y_base + mul24(kh, dilation_h);
    const int fy = mad24(out_ch_blk, FILTER_H * FILTER_W, mul24(kh, FILTER_W));
#pragma unroll
    for (int kw = 0; kw < FILTER_W; ++kw) {
      const int iw = iw0 + mul24(kw, dilation_w);
      const DATA_TYPE4 wt = READ_IMAGET(filter, kSampler, (int2)(0, fy + kw));
      out0 = mad(gather(input, in_x, iw, in_width, in_y, lanes), wt, out0);
      out1 = mad(gather(input, in_x, iw + stride_w, in_width, in_y, lanes), wt, out1);
      out2 = mad(gather(input, in_x, iw + 2 * stride_w, in_width, in_y, lanes), wt, out2);
      out3 = mad(gather(input, in_x, iw + 3 * stride_w, in_width, in_y, lanes), wt, out3);
    }
  }

  const int out_x = mad24(out_ch_blk, out_width, ow0);
  const int left = out_width - ow0;
  WRITE_IMAGET(output, (int2)(out_x, hb), do_activation(out0, alpha, beta));
  if (left > 1) WRITE_IMAGET(output, (int2)(out_x + 1, hb), do_activation(out1, alpha, beta));
  if (left > 2) WRITE_IMAGET(output, (int2)(out_x + 2, hb), do_activation(out2, alpha, beta));
  if (left > 3) WRITE_IMAGET(output, (int2)(out_x + 3, hb), do_activation(out3, alpha, beta));
}
