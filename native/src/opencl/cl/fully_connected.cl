// Fully connected layer (Gemm / MatMul with a constant weight matrix): Y[n, m] = activation(
// alpha * sum_k X[n, k] * W[m, k] + bias[m]). X is the image of [N, K] (pixel (kb, n) holds
// X[n, 4kb..4kb+3]); Y the image of [N, M].
//
// Weights (filled once by the host, zero past M and K): an image of width 4 * ceil(K/4) and
// height ceil(M/4); pixel (4kb + j, mb) holds W[4mb..4mb+3, 4kb + j], so one input pixel and
// four weight pixels give four outputs' partial sums of four k's.
//
// One work item computes 4 outputs (an output pixel) over k blocks [s * blocks_per_split,
// (s + 1) * blocks_per_split): gws = (ceil(M/4), N, splits). With one split it applies bias and
// activation and writes Y; with several (SPLIT_K: few outputs, long K) it writes its partial sum
// to a float image at (s * out_blocks + mb, n) and fc_reduce adds the splits. Input lanes past K
// are masked (padding may hold anything, even NaN). Accumulation is in float.

inline float4 fc_block(__read_only image2d_t input, __read_only image2d_t weights, const int kb,
                       const int n, const int mb, float4 acc, const int4 lane_mask) {
  float4 in = convert_float4(READ_IMAGET(input, kSampler, (int2)(kb, n)));
  in = select((float4)(0.0f), in, lane_mask);
  const int x = kb << 2;
  acc = mad((float4)(in.x), convert_float4(READ_IMAGET(weights, kSampler, (int2)(x, mb))), acc);
  acc = mad((float4)(in.y), convert_float4(READ_IMAGET(weights, kSampler, (int2)(x + 1, mb))), acc);
  acc = mad((float4)(in.z), convert_float4(READ_IMAGET(weights, kSampler, (int2)(x + 2, mb))), acc);
  acc = mad((float4)(in.w), convert_float4(READ_IMAGET(weights, kSampler, (int2)(x + 3, mb))), acc);
  return acc;
}

__kernel void fully_connected(__read_only image2d_t input, __read_only image2d_t weights,
#ifdef HAS_BIAS
                              __read_only image2d_t bias,
#endif
                              const int full_blocks,  // K / 4
                              const int k_tail,       // K % 4
                              const int blocks_per_split, const int splits, const int out_blocks,
                              const int batch, const float alpha, const float act_alpha, const float act_beta,
                              __write_only image2d_t output) {
  const int mb = get_global_id(0);
  const int n = get_global_id(1);
  const int s = get_global_id(2);
  if (mb >= out_blocks || n >= batch || s >= splits) return;
  const int kb_begin = s * blocks_per_split;
  const int kb_end = kb_begin + blocks_per_split;
  const int full_end = min(kb_end, full_blocks);
  const int4 all = (int4)(-1);
  float4 acc = (float4)(0.0f);
  for (int kb = kb_begin; kb < full_end; ++kb) acc = fc_block(input, weights, kb, n, mb, acc, all);
  if (k_tail > 0 && full_blocks >= kb_begin && full_blocks < kb_end)
    acc = fc_block(input, weights, full_blocks, n, mb, acc, (int4)(0, 1, 2, 3) < (int4)(k_tail));
#ifdef SPLIT_K
  write_imagef(output, (int2)(s * out_blocks + mb, n), acc);
#else
  acc *= alpha;
#ifdef HAS_BIAS
  acc += convert_float4(READ_IMAGET(bias, kSampler, (int2)(mb, 0)));
#endif
  WRITE_IMAGET(output, (int2)(mb, n), do_activation(CONVERT4(acc), act_alpha, act_beta));
#endif
}

__kernel void fc_reduce(__read_only image2d_t partial,
#ifdef HAS_BIAS
                        __read_only image2d_t bias,
#endif
                        const int splits, const int out_blocks, const int batch, const float alpha,
                        const float act_alpha, const float act_beta, __write_only image2d_t output) {
  const int mb = get_global_id(0);
  const int n = get_global_id(1);
  if (mb >= out_blocks || n >= batch) return;
  float4 acc = (float4)(0.0f);
  for (int s = 0; s < splits; ++s) acc += read_imagef(partial, kSampler, (int2)(s * out_blocks + mb, n));
  acc *= alpha;
#ifdef HAS_BIAS
  acc += convert_float4(READ_IMAGET(bias, kSampler, (int2)(mb, 0)));
#endif
  WRITE_IMAGET(output, (int2)(mb, n), do_activation(CONVERT4(acc), act_alpha, act_beta));
}
