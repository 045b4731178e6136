// 2-D convolution, group 1, any kernel size, stride, padding and dilation (MACE's conv_2d design);
// built with -DFILTER_H=3 -DFILTER_W=3 -DOUT_W_BLK=5 it is MACE's conv_2d_3x3 (taps unrolled,
// 5 output widths per work item), the host's kernel for 3x3 filters.
//
// Work item (out_ch_blk, out_w_blk, n * out_height + oh) computes 4 output channels x OUT_W_BLK
// output widths w = out_w_blk + i * out_w_blks (interleaved: neighbouring work items read
// neighbouring pixels). Filter image [I, ceil(O/4) * KH * KW]: pixel (i, ob * KH*KW + kh*KW + kw)
// holds output channels 4ob..4ob+3 of input channel i at (kh, kw). -DBIAS: bias image
// [ceil(O/4), 1]. ACTIVATION_TYPE: common.cl.
//
// Out-of-range rows are skipped by the kh loop bounds (computed once per work item); out-of-range
// columns read at x = -1, outside the image, which the sampler returns as 0. Input channels past
// I in the last input block may hold anything (NaN included), so the last block, when I % 4 != 0,
// is peeled off and only its real lanes are accumulated.

#ifndef OUT_W_BLK
#define OUT_W_BLK 4
#endif

#ifdef FILTER_H
#define KH FILTER_H
#define KW FILTER_W
#define UNROLL_KW _Pragma("unroll")
#else
#define KH filter_height
#define KW filter_width
#define UNROLL_KW
#endif

// One input block's contribution at tap (kh, kw): LANES accumulates lanes of the input.
#define CONV_TAPS(ICB, LANES)                                                              \
  {                                                                                        \
    const int in_x = mul24(ICB, in_width);                                                 \
    const int fx = (ICB) << 2;                                                             \
    for (int kh = kh_begin; kh < kh_end; ++kh) {                                           \
      const int in_y = in_y_base + mul24(kh, dilation_h);                                  \
      int fy = mad24(out_ch_blk, KH * KW, mul24(kh, KW));                                  \
      UNROLL_KW for (int kw = 0; kw < KW; ++kw) {                                          \
        DATA_TYPE4 px[OUT_W_BLK];                                                          \
        _Pragma("unroll") for (int i = 0; i < OUT_W_BLK; ++i) {                            \
          const int iw = iw0[i] + mul24(kw, dilation_w);                                   \
          px[i] = READ_IMAGET(input, kSampler,                                             \
                              (int2)(iw < 0 || iw >= in_width ? -1 : in_x + iw, in_y));   \
        }                                                                                  \
        const DATA_TYPE4 wt0 = READ_IMAGET(filter, kSampler, (int2)(fx, fy));              \
        const DATA_TYPE4 wt1 = READ_IMAGET(filter, kSampler, (int2)(fx + 1, fy));          \
        const DATA_TYPE4 wt2 = READ_IMAGET(filter, kSampler, (int2)(fx + 2, fy));          \
        const DATA_TYPE4 wt3 = READ_IMAGET(filter, kSampler, (int2)(fx + 3, fy));          \
        LANES                                                                              \
        ++fy;                                                                              \
      }                                                                                    \
    }                                                                                      \
  }

#define MAD_LANE(L, WT)                                                 \
  _Pragma("unroll") for (int i = 0; i < OUT_W_BLK; ++i) out[i] = mad((DATA_TYPE4)(px[i].L), WT, out[i]);

#define ALL_LANES MAD_LANE(x, wt0) MAD_LANE(y, wt1) MAD_LANE(z, wt2) MAD_LANE(w, wt3)
#define REM_LANES                        \
  MAD_LANE(x, wt0)                       \
  if (in_ch_rem > 1) { MAD_LANE(y, wt1) } \
  if (in_ch_rem > 2) { MAD_LANE(z, wt2) }

__kernel void conv_2d(__read_only image2d_t input,
                      __read_only image2d_t filter,
                      __read_only image2d_t bias,
                      __write_only image2d_t output,
                      const float alpha, const float beta,
                      const int in_height, const int in_width,
                      const int in_ch_full_blks,  // floor(I / 4)
                      const int in_ch_rem,        // I % 4
                      const int out_ch_blks, const int out_height, const int out_width,
                      const int out_w_blks, const int out_hb,
                      const int filter_height, const int filter_width,
                      const int stride_h, const int stride_w,
                      const int pad_top, const int pad_left,
                      const int dilation_h, const int dilation_w) {
  const int out_ch_blk = get_global_id(0);
  const int out_w_blk = get_global_id(1);
  const int hb = get_global_id(2);
  if (out_ch_blk >= out_ch_blks || out_w_blk >= out_w_blks || hb >= out_hb) return;

  DATA_TYPE4 out[OUT_W_BLK];
#ifdef BIAS
  const DATA_TYPE4 b = READ_IMAGET(bias, kSampler, (int2)(out_ch_blk, 0));
#else
  const DATA_TYPE4 b = (DATA_TYPE4)(0);
#endif
  _Pragma("unroll") for (int i = 0; i < OUT_W_BLK; ++i) out[i] = b;

  const int n = hb / out_height;
  const int oh = hb - mul24(n, out_height);
  // Input row of tap kh: ih0 + kh * dilation_h; taps [kh_begin, kh_end) are inside the input.
  const int ih0 = mad24(oh, stride_h, -pad_top);
  const int kh_begin = ih0 < 0 ? (dilation_h - 1 - ih0) / dilation_h : 0;
  const int kh_end = ih0 >= in_height ? 0 : min(KH, (in_height - ih0 + dilation_h - 1) / dilation_h);
  const int in_y_base = mad24(n, in_height, ih0);

  int iw0[OUT_W_BLK];
  _Pragma("unroll") for (int i = 0; i < OUT_W_BLK; ++i)
    iw0[i] = mad24(out_w_blk + i * out_w_blks, stride_w, -pad_left);

  for (int icb = 0; icb < in_ch_full_blks; ++icb) CONV_TAPS(icb, ALL_LANES)
  if (in_ch_rem > 0) CONV_TAPS(in_ch_full_blks, REM_LANES)

  const int out_x = mul24(out_ch_blk, out_width);
  _Pragma("unroll") for (int i = 0; i < OUT_W_BLK; ++i) {
    const int ow = out_w_blk + i * out_w_blks;
    if (ow >= out_width) return;
    WRITE_IMAGET(output, (int2)(out_x + ow, hb), do_activation(out[i], alpha, beta));
  }
}
