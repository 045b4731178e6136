// Reduction over H and W (global pooling); REDUCE_TYPE (a build option): 0 sum, 1 mean,
// 2 max, 3 min. Work item (i, channel block, n): dimension 0 is one work group (its local size
// is the group); item i reduces pixels i, i + G, i + 2G, ... of the H*W plane of its channel
// block, in float (half images are read in DATA_TYPE and widened), then the group combines its
// partials in local memory (a tree) and item 0 writes the (channel block, n) pixel.

#if REDUCE_TYPE == 0 || REDUCE_TYPE == 1
#define REDUCE_INIT ((float4)0)
#define REDUCE_OP(acc, v) ((acc) + (v))
#elif REDUCE_TYPE == 2
#define REDUCE_INIT ((float4)(-INFINITY))
// As the CPU kernel: a NaN wins and stays.
#define REDUCE_OP(acc, v) select((acc), (v), isgreater((v), (acc)) | isnan(v))
#elif REDUCE_TYPE == 3
#define REDUCE_INIT ((float4)(INFINITY))
#define REDUCE_OP(acc, v) select((acc), (v), isless((v), (acc)) | isnan(v))
#else
#error "REDUCE_TYPE must be 0..3"
#endif

__kernel void reduce_hw(__read_only image2d_t input, const int in_h, const int in_w, const int channel_blocks,
                        const int batch, __write_only image2d_t output, __local float4 *partials) {
  const int i = get_local_id(0), group = get_local_size(0);
  const int cb = get_global_id(1), n = get_global_id(2);
  // Items past the output still reach the barrier.
  const bool active = cb < channel_blocks && n < batch;
  const int count = active ? in_h * in_w : 0;
  float4 acc = REDUCE_INIT;
  const int x0 = cb * in_w, y0 = n * in_h;
  for (int p = i; p < count; p += group) {
    const int h = p / in_w, w = p - h * in_w;
    const float4 v = convert_float4(READ_IMAGET(input, kSampler, (int2)(x0 + w, y0 + h)));
    acc = REDUCE_OP(acc, v);
  }
  const int slot = (get_local_id(2) * get_local_size(1) + get_local_id(1)) * group;
  partials[slot + i] = acc;
  barrier(CLK_LOCAL_MEM_FENCE);
  // Tree over the group (any size): the upper half folds into the lower half.
  for (int live = group; live > 1;) {
    const int upper = (live + 1) >> 1;
    if (i < live - upper) partials[slot + i] = REDUCE_OP(partials[slot + i], partials[slot + i + upper]);
    barrier(CLK_LOCAL_MEM_FENCE);
    live = upper;
  }
  if (i != 0 || !active) return;
  acc = partials[slot];
#if REDUCE_TYPE == 1
  acc = acc / (float)count;
#endif
  WRITE_IMAGET(output, (int2)(cb, n), CONVERT4(acc));
}
