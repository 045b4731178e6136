// Tensors on the GPU: NCHW float buffers and MACE's channel-major RGBA images.
// An NCHW tensor is the 2-D image [W * ceil(C/4), N * H]: pixel (cb * W + w, n * H + h) holds
// channels 4cb..4cb+3 of (n, h, w), with channels past C zero. Images let the GPU's texture
// path cache 2-D neighbourhoods and convert half <-> float for free, which is why MACE uses them.
#ifndef MACE_OPENCL_OPENCL_IMAGE_H_
#define MACE_OPENCL_OPENCL_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "opencl/opencl_runtime.h"

namespace mace {
namespace opencl {

// How image pixels are stored; kernels always compute in float (read_imagef / write_imagef).
enum class ImageType { kFloat, kHalf };
const char *ImageTypeName(ImageType type);

struct NCHWShape {
  int n = 1, c = 1, h = 1, w = 1;
  int64_t size() const { return int64_t(n) * c * h * w; }
  std::string ToString() const;
};

struct ImageShape {
  size_t width = 0, height = 0;
};

inline int ChannelBlocks(int channels) { return (channels + 3) / 4; }
// [W * ceil(C/4), N * H].
ImageShape ChannelImageShape(const NCHWShape &shape);

// A 2-D RGBA image of `shape` (CL_FLOAT or CL_HALF_FLOAT); fails clearly when the device has no
// image support or the shape exceeds its limits.
MaceStatus CreateImage(OpenCLRuntime *runtime, const ImageShape &shape, ImageType type,
                       CLObject<cl_mem> *image);
// A read-write buffer of `bytes`, initialised from `data` when given.
MaceStatus CreateBuffer(OpenCLRuntime *runtime, size_t bytes, const void *data, CLObject<cl_mem> *buffer);
// Blocking read of a whole buffer into `data`.
MaceStatus ReadBuffer(OpenCLRuntime *runtime, cl_mem buffer, size_t bytes, void *data);
// Blocking read of a CL_FLOAT RGBA image's pixels (width * height * 4 floats, row-major).
MaceStatus ReadFloatImage(OpenCLRuntime *runtime, cl_mem image, const ImageShape &shape, float *data);

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_OPENCL_IMAGE_H_
