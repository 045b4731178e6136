// Element-wise binary op on two images of the same shape; ELTWISE_TYPE (a build option) picks
// the op at compile time, with MACE's numbering: 0 add, 1 sub, 2 mul, 3 div, 4 min, 5 max.

__constant sampler_t kSampler = CLK_NORMALIZED_COORDS_FALSE | CLK_ADDRESS_CLAMP | CLK_FILTER_NEAREST;

__kernel void eltwise(__read_only image2d_t input0, __read_only image2d_t input1,
                      __write_only image2d_t output) {
  const int2 pos = (int2)(get_global_id(0), get_global_id(1));
  const float4 a = read_imagef(input0, kSampler, pos);
  const float4 b = read_imagef(input1, kSampler, pos);
#if ELTWISE_TYPE == 0
  const float4 r = a + b;
#elif ELTWISE_TYPE == 1
  const float4 r = a - b;
#elif ELTWISE_TYPE == 2
  const float4 r = a * b;
#elif ELTWISE_TYPE == 3
  const float4 r = a / b;
#elif ELTWISE_TYPE == 4
  const float4 r = fmin(a, b);
#elif ELTWISE_TYPE == 5
  const float4 r = fmax(a, b);
#else
#error "ELTWISE_TYPE must be 0..5"
#endif
  write_imagef(output, pos, r);
}
