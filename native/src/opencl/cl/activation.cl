// Activation on an image; ACTIVATION_TYPE (a build option) uses MACE's numbering:
// 1 relu, 2 relux (clip to [0, max_limit]: relu6 when 6), 4 tanh, 5 sigmoid, 6 leaky relu.

__constant sampler_t kSampler = CLK_NORMALIZED_COORDS_FALSE | CLK_ADDRESS_CLAMP | CLK_FILTER_NEAREST;

__kernel void activation(__read_only image2d_t input, const float max_limit, const float alpha,
                         __write_only image2d_t output) {
  const int2 pos = (int2)(get_global_id(0), get_global_id(1));
  const float4 v = read_imagef(input, kSampler, pos);
#if ACTIVATION_TYPE == 1
  const float4 r = fmax(v, 0.0f);
#elif ACTIVATION_TYPE == 2
  const float4 r = clamp(v, 0.0f, max_limit);
#elif ACTIVATION_TYPE == 4
  const float4 r = tanh(v);
#elif ACTIVATION_TYPE == 5
  const float4 r = 1.0f / (1.0f + exp(-v));
#elif ACTIVATION_TYPE == 6
  const float4 r = select(alpha * v, v, isgreaterequal(v, (float4)(0.0f)));
#else
#error "ACTIVATION_TYPE must be 1, 2, 4, 5 or 6"
#endif
  write_imagef(output, pos, r);
}
