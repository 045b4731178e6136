// Prepended to every program (OpenCLRuntime::BuildProgram): the sampler, the storage/arithmetic
// types and the fused activations shared by all kernels.
//
// Kernels compute in DATA_TYPE: float by default (read_imagef / write_imagef convert half images
// in the texture unit, so half storage needs no cl_khr_fp16), half when the host passes
// -DUSE_HALF (half images on a device with cl_khr_fp16).

#ifdef USE_HALF
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#define DATA_TYPE half
#define DATA_TYPE4 half4
#define READ_IMAGET read_imageh
#define WRITE_IMAGET write_imageh
#define CONVERT4 convert_half4
#else
#define DATA_TYPE float
#define DATA_TYPE4 float4
#define READ_IMAGET read_imagef
#define WRITE_IMAGET write_imagef
#define CONVERT4 convert_float4
#endif

__constant sampler_t kSampler = CLK_NORMALIZED_COORDS_FALSE | CLK_ADDRESS_CLAMP | CLK_FILTER_NEAREST;

// ACTIVATION_TYPE (a build option) follows the CPU kernels' ActivationType:
// 0 none, 1 relu, 2 clip to [alpha, beta], 3 leaky relu (slope alpha), 4 sigmoid, 5 tanh,
// 6 hard sigmoid (alpha x + beta, clamped to [0, 1]), 7 hard swish.
#ifndef ACTIVATION_TYPE
#define ACTIVATION_TYPE 0
#endif

inline DATA_TYPE4 do_activation(DATA_TYPE4 v, const float alpha, const float beta) {
#if ACTIVATION_TYPE == 0
  return v;
#elif ACTIVATION_TYPE == 1
  return fmax(v, (DATA_TYPE)0);
#elif ACTIVATION_TYPE == 2
  return fmin(fmax(v, (DATA_TYPE)alpha), (DATA_TYPE)beta);
#elif ACTIVATION_TYPE == 3
  return select((DATA_TYPE)alpha * v, v, isgreaterequal(v, (DATA_TYPE4)0));
#elif ACTIVATION_TYPE == 4
  return CONVERT4(1.0f / (1.0f + exp(-convert_float4(v))));
#elif ACTIVATION_TYPE == 5
  return CONVERT4(tanh(convert_float4(v)));
#elif ACTIVATION_TYPE == 6
  return clamp((DATA_TYPE)alpha * v + (DATA_TYPE)beta, (DATA_TYPE)0, (DATA_TYPE)1);
#elif ACTIVATION_TYPE == 7
  return v * clamp(v / (DATA_TYPE)6 + (DATA_TYPE)0.5f, (DATA_TYPE)0, (DATA_TYPE)1);
#else
#error "ACTIVATION_TYPE must be 0..7"
#endif
}
