// Element-wise binary ops with broadcasting; ELTWISE_TYPE (a build option) picks the op, with
// MACE's numbering: 0 add, 1 sub, 2 mul, 3 div, 4 min, 5 max. One work item per output pixel
// (x = channel_block * W + w, y = n * H + h). An input whose dim is 1 where the output's is not
// is broadcast along it; a 1-channel input repeats its one channel in all four lanes.

inline DATA_TYPE4 read_broadcast(__read_only image2d_t image, const int4 shape, const int cb,
                                 const int n, const int h, const int w) {
  const int x = (shape.y == 1 ? 0 : cb) * shape.w + (shape.w == 1 ? 0 : w);
  const int y = (shape.x == 1 ? 0 : n) * shape.z + (shape.z == 1 ? 0 : h);
  const DATA_TYPE4 v = READ_IMAGET(image, kSampler, (int2)(x, y));
  return shape.y == 1 ? v.xxxx : v;
}

__kernel void eltwise(__read_only image2d_t input0, const int4 shape0,  // (n, c, h, w)
                      __read_only image2d_t input1, const int4 shape1,
                      const int out_height, const int out_width,
                      __write_only image2d_t output) {
  const int x = get_global_id(0);
  const int y = get_global_id(1);
  const int cb = x / out_width;
  const int w = x - cb * out_width;
  const int n = y / out_height;
  const int h = y - n * out_height;
  const DATA_TYPE4 a = read_broadcast(input0, shape0, cb, n, h, w);
  const DATA_TYPE4 b = read_broadcast(input1, shape1, cb, n, h, w);
#if ELTWISE_TYPE == 0
  const DATA_TYPE4 r = a + b;
#elif ELTWISE_TYPE == 1
  const DATA_TYPE4 r = a - b;
#elif ELTWISE_TYPE == 2
  const DATA_TYPE4 r = a * b;
#elif ELTWISE_TYPE == 3
  const DATA_TYPE4 r = a / b;
#elif ELTWISE_TYPE == 4
  const DATA_TYPE4 r = fmin(a, b);
#elif ELTWISE_TYPE == 5
  const DATA_TYPE4 r = fmax(a, b);
#else
#error "ELTWISE_TYPE must be 0..5"
#endif
  WRITE_IMAGET(output, (int2)(x, y), r);
}
