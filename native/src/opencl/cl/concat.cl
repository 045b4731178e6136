// Concat along channels. One launch per input i writes the output channel blocks whose first
// channel belongs to input i ("owned" blocks: 4ob in [offset, offset + channels)), over
// gws = (owned blocks, W, N * H). A block inside input i is its channels shifted by
// shift = (4ob - offset) % 4 (the same for every block of one launch): one input pixel when the
// offset is a multiple of 4, else lanes of two neighbouring pixels. The block that straddles
// the end of input i takes its remaining lanes from the next inputs (up to three: inputs of one
// or two channels), lane by lane; lanes past the output's channels are written as 0.

inline float4 concat_read(__read_only image2d_t image, const int block, const int w, const int y,
                          const int width) {
  return convert_float4(READ_IMAGET(image, kSampler, (int2)(block * width + w, y)));
}

// Channel c of (w, y) of an input image, as a float.
inline float concat_lane(__read_only image2d_t image, const int c, const int w, const int y, const int width) {
  const float4 v = concat_read(image, c >> 2, w, y, width);
  const int l = c & 3;
  return l == 0 ? v.x : (l == 1 ? v.y : (l == 2 ? v.z : v.w));
}

__kernel void concat_channel(__read_only image2d_t input, const int offset, const int channels,
                             __read_only image2d_t next1, const int offset1, const int channels1,
                             __read_only image2d_t next2, const int offset2, const int channels2,
                             __read_only image2d_t next3, const int offset3, const int channels3,
                             const int first_block, const int blocks, const int width,
                             const int out_channels,
                             const int rows,  // N * H: gws may be rounded up to a local size
                             __write_only image2d_t output) {
  const int b = get_global_id(0);
  const int w = get_global_id(1);
  const int y = get_global_id(2);
  if (b >= blocks || w >= width || y >= rows) return;
  const int ob = first_block + b;
  const int t = (ob << 2) - offset;  // input channel of lane 0
  float4 r;
  if (t + 3 < channels) {  // every lane from this input
    const int shift = t & 3;
    const float4 a = concat_read(input, t >> 2, w, y, width);
    if (shift == 0) {
      r = a;
    } else {
      const float4 c = concat_read(input, (t >> 2) + 1, w, y, width);
      r = shift == 1 ? (float4)(a.y, a.z, a.w, c.x)
                     : (shift == 2 ? (float4)(a.z, a.w, c.x, c.y) : (float4)(a.w, c.x, c.y, c.z));
    }
  } else {  // the block straddles the end of this input
    float lanes[4];
    for (int l = 0; l < 4; ++l) {
      const int c = (ob << 2) + l;
      float v = 0.0f;
      if (c < offset + channels) v = concat_lane(input, c - offset, w, y, width);
      else if (c < offset1 + channels1) v = concat_lane(next1, c - offset1, w, y, width);
      else if (c < offset2 + channels2) v = concat_lane(next2, c - offset2, w, y, width);
      else if (c < offset3 + channels3) v = concat_lane(next3, c - offset3, w, y, width);
      lanes[l] = c < out_channels ? v : 0.0f;
    }
    r = (float4)(lanes[0], lanes[1], lanes[2], lanes[3]);
  }
  WRITE_IMAGET(output, (int2)(ob * width + w, y), CONVERT4(r));
}
