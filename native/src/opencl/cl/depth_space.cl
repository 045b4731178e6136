// DepthToSpace / SpaceToDepth; DEPTH_SPACE_MODE (a build option): 0 DepthToSpace DCR,
// 1 DepthToSpace CRD, 2 SpaceToDepth. One work item per output pixel (channel block, output
// column, n * out_h + output row); each of its four channels is read from the input pixel and
// lane the permutation names (lanes past out_c are written as 0).

inline DATA_TYPE lane_of(const DATA_TYPE4 v, const int lane) {
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}

// Channel `oc` of output pixel (n, oh, ow).
inline DATA_TYPE gather(__read_only image2d_t input, const int b, const int in_c, const int in_h, const int in_w,
                        const int out_c, const int n, const int oc, const int oh, const int ow) {
#if DEPTH_SPACE_MODE == 2
  const int c = oc % in_c, ij = oc / in_c;
  const int ic = c, ih = oh * b + ij / b, iw = ow * b + ij % b;
#else
  const int h = oh / b, i = oh - h * b, w = ow / b, j = ow - w * b;
#if DEPTH_SPACE_MODE == 0
  const int ic = mad24(mad24(i, b, j), out_c, oc);
#else
  const int ic = mad24(oc, b * b, mad24(i, b, j));
#endif
  const int ih = h, iw = w;
#endif
  const DATA_TYPE4 v = READ_IMAGET(input, kSampler, (int2)(mad24(ic >> 2, in_w, iw), mad24(n, in_h, ih)));
  return lane_of(v, ic & 3);
}

__kernel void depth_space(__read_only image2d_t input, const int b, const int in_c, const int in_h, const int in_w,
                          const int out_c, const int out_h, const int out_w, const int channel_blocks,
                          const int rows, __write_only image2d_t output) {
  const int cb = get_global_id(0), ow = get_global_id(1), nh = get_global_id(2);
  if (cb >= channel_blocks || ow >= out_w || nh >= rows) return;
  const int n = nh / out_h, oh = nh - n * out_h;
  const int oc = cb << 2;
#ifdef ALIGNED
  // DCR with out_c % 4 == 0, SpaceToDepth with in_c % 4 == 0: the four channels are one whole
  // input pixel (channels ic .. ic + 3, ic % 4 == 0).
#if DEPTH_SPACE_MODE == 2
  const int ij = oc / in_c, ic = oc - ij * in_c;
  const int ih = oh * b + ij / b, iw = ow * b + ij % b;
#else
  const int h = oh / b, i = oh - h * b, w = ow / b, j = ow - w * b;
  const int ic = mad24(mad24(i, b, j), out_c, oc), ih = h, iw = w;
#endif
  const DATA_TYPE4 r = READ_IMAGET(input, kSampler, (int2)(mad24(ic >> 2, in_w, iw), mad24(n, in_h, ih)));
#else
  // Lanes past out_c read channel oc (valid) and are zeroed.
  DATA_TYPE4 r;
  r.x = gather(input, b, in_c, in_h, in_w, out_c, n, oc, oh, ow);
  r.y = oc + 1 < out_c ? gather(input, b, in_c, in_h, in_w, out_c, n, oc + 1, oh, ow) : (DATA_TYPE)0;
  r.z = oc + 2 < out_c ? gather(input, b, in_c, in_h, in_w, out_c, n, oc + 2, oh, ow) : (DATA_TYPE)0;
  r.w = oc + 3 < out_c ? gather(input, b, in_c, in_h, in_w, out_c, n, oc + 3, oh, ow) : (DATA_TYPE)0;
#endif
  WRITE_IMAGET(output, (int2)(mad24(cb, out_w, ow), nh), r);
}
