// Host launchers of the image kernels in cl/: layout transforms, element-wise binary ops and
// activations. Each enqueues on the runtime's in-order queue and returns without waiting
// (reads through ReadBuffer/ReadFloatImage are blocking).
#ifndef MACE_OPENCL_IMAGE_OPS_H_
#define MACE_OPENCL_IMAGE_OPS_H_

#include "opencl/opencl_image.h"

namespace mace {
namespace opencl {

// NCHW float `buffer` of `shape` -> channel-major `image` (float or half, ChannelImageShape).
MaceStatus BufferToImage(OpenCLRuntime *runtime, cl_mem buffer, const NCHWShape &shape, cl_mem image);
// The inverse: channel-major `image` -> NCHW float `buffer` (padding channels dropped).
MaceStatus ImageToBuffer(OpenCLRuntime *runtime, cl_mem image, const NCHWShape &shape, cl_mem buffer);

// MACE's EltwiseType numbering (the kernel's ELTWISE_TYPE).
enum class EltwiseType { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kMin = 4, kMax = 5 };
const char *EltwiseTypeName(EltwiseType type);
// output = a (op) b, all three images of ChannelImageShape(shape).
MaceStatus Eltwise(OpenCLRuntime *runtime, EltwiseType type, cl_mem a, cl_mem b, const NCHWShape &shape,
                   cl_mem output);

// MACE's ActivationType numbering (the kernel's ACTIVATION_TYPE); PRELU (3) needs a per-channel
// alpha tensor and comes with the op integration.
enum class ActivationType { kRelu = 1, kReluX = 2, kTanh = 4, kSigmoid = 5, kLeakyRelu = 6 };
const char *ActivationTypeName(ActivationType type);
struct Activation {
  ActivationType type = ActivationType::kRelu;
  float max_limit = 6.0f;  // kReluX: clip to [0, max_limit]
  float alpha = 0.0f;      // kLeakyRelu: slope below zero
};
MaceStatus Activate(OpenCLRuntime *runtime, const Activation &activation, cl_mem input,
                    const NCHWShape &shape, cl_mem output);

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_IMAGE_OPS_H_
