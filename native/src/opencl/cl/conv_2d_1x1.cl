// 1x1 convolution, group 1, no padding, any stride (MACE's conv_2d_1x1 design).
// Work item (out_ch_blk, out_w_blk, n * out_height + oh) computes 4 output channels x 4 output
// widths: w = out_w_blk + i * out_w_blks, i = 0..3 (interleaved, so neighbouring work items read
// neighbouring pixels). Filter image [I, ceil(O/4)]: pixel (i, ob) = the 4 output channels'
// weights of input channel i. -DBIAS: bias image [ceil(O/4), 1]. ACTIVATION_TYPE: common.cl.
//
// Input channels past I in the last input block may hold anything (NaN included), so the last
// block, when I % 4 != 0, is peeled off and only its real lanes are accumulated.

#define MAD_LANE(L, WT)                                \
  out0 = mad((DATA_TYPE4)(in0.L), WT, out0);           \
  out1 = mad((DATA_TYPE4)(in1.L), WT, out1);           \
  out2 = mad((DATA_TYPE4)(in2.L), WT, out2);           \
  out3 = mad((DATA_TYPE4)(in3.L), WT, out3);

#define READ_BLOCK(ICB)                                                                 \
  {                                                                                     \
    const int in_x = mul24(ICB, in_width);                                              \
    in0 = READ_IMAGET(input, kSampler, (int2)(in_x + iw0, in_y));                       \
    in1 = READ_IMAGET(input, kSampler, (int2)(in_x + iw1, in_y));                       \
    in2 = READ_IMAGET(input, kSampler, (int2)(in_x + iw2, in_y));                       \
    in3 = READ_IMAGET(input, kSampler, (int2)(in_x + iw3, in_y));                       \
    const int fx = (ICB) << 2;                                                          \
    wt0 = READ_IMAGET(filter, kSampler, (int2)(fx, out_ch_blk));                        \
    wt1 = READ_IMAGET(filter, kSampler, (int2)(fx + 1, out_ch_blk));                    \
    wt2 = READ_IMAGET(filter, kSampler, (int2)(fx + 2, out_ch_blk));                    \
    wt3 = READ_IMAGET(filter, kSampler, (int2)(fx + 3, out_ch_blk));                    \
  }

__kernel void conv_2d_1x1(__read_only image2d_t input,
                          __read_only image2d_t filter,
                          __read_only image2d_t bias,
                          __write_only image2d_t output,
                          const float alpha, const float beta,
                          const int in_height, const int in_width,
                          const int in_ch_full_blks,  // floor(I / 4)
                          const int in_ch_rem,        // I % 4
                          const int out_ch_blks, const int out_height, const int out_width,
                          const int out_w_blks, const int out_hb,
                          const int stride_h, const int stride_w) {
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

  const int n = hb / out_height;
  const int oh = hb - mul24(n, out_height);
  const int in_y = mad24(n, in_height, mul24(oh, stride_h));
  // Widths past out_width read elsewhere (or outside the image) and are never written.
  const int iw0 = mul24(out_w_blk, stride_w);
  const int iw_step = mul24(out_w_blks, stride_w);
  const int iw1 = iw0 + iw_step, iw2 = iw1 + iw_step, iw3 = iw2 + iw_step;

  DATA_TYPE4 in0, in1, in2, in3, wt0, wt1, wt2, wt3;
  for (int icb = 0; icb < in_ch_full_blks; ++icb) {
    READ_BLOCK(icb);
    MAD_LANE(x, wt0);
    MAD_LANE(y, wt1);
    MAD_LANE(z, wt2);
    MAD_LANE(w, wt3);
  }
  if (in_ch_rem > 0) {
    READ_BLOCK(in_ch_full_blks);
    MAD_LANE(x, wt0);
    if (in_ch_rem > 1) { MAD_LANE(y, wt1); }
    if (in_ch_rem > 2) { MAD_LANE(z, wt2); }
  }

  out0 = do_activation(out0, alpha, beta);
  out1 = do_activation(out1, alpha, beta);
  out2 = do_activation(out2, alpha, beta);
  out3 = do_activation(out3, alpha, beta);

  const int out_x = mul24(out_ch_blk, out_width);
  int ow = out_w_blk;
  WRITE_IMAGET(output, (int2)(out_x + ow, hb), out0);
  ow += out_w_blks;
  if (ow >= out_width) return;
  WRITE_IMAGET(output, (int2)(out_x + ow, hb), out1);
  ow += out_w_blks;
  if (ow >= out_width) return;
  WRITE_IMAGET(output, (int2)(out_x + ow, hb), out2);
  ow += out_w_blks;
  if (ow >= out_width) return;
  WRITE_IMAGET(output, (int2)(out_x + ow, hb), out3);
}
