// Pooling over NCHW images (layout: see opencl_image.h).
//
// pooling: MaxPool / AveragePool (POOL_MAX defined or not), one work item per output pixel
// (4 channels): gws = (channel blocks, out_width, N * out_height). The taps that fall inside
// the input ([kh_first, kh_last) x [kw_first, kw_last)) are computed once per item, so the
// inner loops have no bounds checks. Average: count_include_pad counts the taps inside the
// padded input (pad_end included, taps past it not), else the taps inside the input; a window
// with no tap gives 0, as the CPU kernel does. Sums accumulate in float.
//
// global_pool: GlobalAveragePool / GlobalMaxPool, one work item per (channel block, n, part)
// reducing rows [part * rows, min(height, (part + 1) * rows)) over all columns. One launch
// (parts = 1) for small planes; two for large ones: partial sums/maxima into a float image
// (PARTIAL_OUT), then a second launch over those (FLOAT_IN, width 1) divides by the count.

#ifdef FLOAT_IN
#define READ_IN(img, coord) read_imagef(img, kSampler, coord)
#else
#define READ_IN(img, coord) convert_float4(READ_IMAGET(img, kSampler, coord))
#endif

inline int ceil_div_nonneg(const int a, const int b) {  // ceil(a / b) for b > 0, clamped at 0
  return a <= 0 ? 0 : (a + b - 1) / b;
}

__kernel void pooling(__read_only image2d_t input, const int in_height, const int in_width,
                      const int out_height, const int out_width, const int channel_blocks,
                      const int2 stride, const int2 pad_begin, const int2 dilation,
                      const int2 kernel_size, const int2 padded_end,  // in + pad_end (h, w)
                      const int out_rows,  // N * out_height: gws may be rounded up
                      __write_only image2d_t output) {
  const int cb = get_global_id(0);
  const int ow = get_global_id(1);
  const int nh = get_global_id(2);
  if (cb >= channel_blocks || ow >= out_width || nh >= out_rows) return;
  const int n = nh / out_height;
  const int oh = nh - n * out_height;
  const int h0 = oh * stride.x - pad_begin.x;
  const int w0 = ow * stride.y - pad_begin.y;
  // taps t with 0 <= h0 + t * dilation < in_height
  const int kh_first = ceil_div_nonneg(-h0, dilation.x);
  const int kh_last = min(kernel_size.x, ceil_div_nonneg(in_height - h0, dilation.x));
  const int kw_first = ceil_div_nonneg(-w0, dilation.y);
  const int kw_last = min(kernel_size.y, ceil_div_nonneg(in_width - w0, dilation.y));
  const int x_base = cb * in_width + w0;
  const int y_base = n * in_height + h0;
#ifdef POOL_MAX
  float4 res = (float4)(-INFINITY);
#else
  float4 res = (float4)(0.0f);
#endif
  for (int kh = kh_first; kh < kh_last; ++kh) {
    const int y = y_base + kh * dilation.x;
    for (int kw = kw_first; kw < kw_last; ++kw) {
      const float4 v = convert_float4(READ_IMAGET(input, kSampler, (int2)(x_base + kw * dilation.y, y)));
#ifdef POOL_MAX
      res = fmax(res, v);
#else
      res += v;
#endif
    }
  }
#ifndef POOL_MAX
#ifdef COUNT_INCLUDE_PAD
  const int ph_first = ceil_div_nonneg(-pad_begin.x - h0, dilation.x);
  const int ph_last = min(kernel_size.x, ceil_div_nonneg(padded_end.x - h0, dilation.x));
  const int pw_first = ceil_div_nonneg(-pad_begin.y - w0, dilation.y);
  const int pw_last = min(kernel_size.y, ceil_div_nonneg(padded_end.y - w0, dilation.y));
  const int count = max(ph_last - ph_first, 0) * max(pw_last - pw_first, 0);
#else
  const int count = max(kh_last - kh_first, 0) * max(kw_last - kw_first, 0);
#endif
  res = count > 0 ? res / (float)count : (float4)(0.0f);
#endif
  WRITE_IMAGET(output, (int2)(cb * out_width + ow, nh), CONVERT4(res));
}

__kernel void global_pool(__read_only image2d_t input, const int in_height, const int in_width,
                          const int rows, const int parts, const int channel_blocks,
                          const float count,  // the divisor of the average (final launch)
                          const int out_rows,  // N * parts: gws may be rounded up
                          __write_only image2d_t output) {
  const int cb = get_global_id(0);
  const int np = get_global_id(1);  // n * parts + part
  if (cb >= channel_blocks || np >= out_rows) return;
  const int n = np / parts;
  const int part = np - n * parts;
  const int h_begin = part * rows;
  const int h_end = min(in_height, h_begin + rows);
  const int x_base = cb * in_width;
#ifdef POOL_MAX
  float4 res = (float4)(-INFINITY);
#else
  float4 res = (float4)(0.0f);
#endif
  for (int h = h_begin; h < h_end; ++h) {
    const int y = n * in_height + h;
    for (int w = 0; w < in_width; ++w) {
      const float4 v = READ_IN(input, (int2)(x_base + w, y));
#ifdef POOL_MAX
      res = fmax(res, v);
#else
      res += v;
#endif
    }
  }
#ifdef PARTIAL_OUT
  write_imagef(output, (int2)(cb, np), res);
#else
#ifndef POOL_MAX
  res = res / count;
#endif
  WRITE_IMAGET(output, (int2)(cb, np), CONVERT4(res));
#endif
}
