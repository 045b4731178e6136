// Host launchers of the image kernels shared by GPU ops and tests: layout transforms,
// and the build options of activations. Each enqueues on the runtime's in-order queue and
// returns without waiting (reads through ReadBuffer/ReadFloatImage are blocking).
#ifndef MACE_OPENCL_IMAGE_OPS_H_
#define MACE_OPENCL_IMAGE_OPS_H_

#include <string>
#include <vector>

#include "opencl/opencl_image.h"
#include "ops/common/activation.h"

namespace mace {
namespace opencl {

// NCHW float `buffer` of `shape` -> channel-major `image` (float or half, ChannelImageShape).
MaceStatus BufferToImage(OpenCLRuntime *runtime, cl_mem buffer, const NCHWShape &shape, cl_mem image);
// The inverse: channel-major `image` -> NCHW float `buffer` (padding channels dropped).
MaceStatus ImageToBuffer(OpenCLRuntime *runtime, cl_mem image, const NCHWShape &shape, cl_mem buffer);

// A new image of `type` holding host values `data` (NCHW `shape`), e.g. folded weights; waits
// for the copy, so `data` may go away on return (ops call it once, not per run).
MaceStatus UploadImage(OpenCLRuntime *runtime, const std::vector<float> &data, const NCHWShape &shape,
                       ImageType type, CLObject<cl_mem> *image);

// MACE's EltwiseType numbering (the eltwise kernel's ELTWISE_TYPE).
enum class EltwiseType { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kMin = 4, kMax = 5 };

// The build options of an activation (the kernels' ACTIVATION_TYPE, common.cl); its alpha and
// beta are kernel arguments.
std::string ActivationOptions(const Activation &activation);

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_IMAGE_OPS_H_
