#include "opencl/opencl_image.h"

namespace mace {
namespace opencl {

const char *ImageTypeName(ImageType type) { return type == ImageType::kHalf ? "half" : "float"; }

std::string NCHWShape::ToString() const { return StrCat("[", n, ", ", c, ", ", h, ", ", w, "]"); }

ImageShape ChannelImageShape(const NCHWShape &shape) {
  return {size_t(shape.w) * ChannelBlocks(shape.c), size_t(shape.n) * shape.h};
}

MaceStatus CreateImage(OpenCLRuntime *runtime, const ImageShape &shape, ImageType type,
                       CLObject<cl_mem> *image) {
  if (!runtime->image_supported())
    return Unsupported("OpenCL device ", runtime->device_name(), " has no image support");
  if (shape.width == 0 || shape.height == 0 || shape.width > runtime->image2d_max_width() ||
      shape.height > runtime->image2d_max_height())
    return InvalidArgs("OpenCL image ", shape.width, "x", shape.height, " is empty or exceeds the device's ",
                       runtime->image2d_max_width(), "x", runtime->image2d_max_height());
  const OpenCLLibrary &cl = runtime->cl();
  cl_image_format format = {CL_RGBA, type == ImageType::kHalf ? CL_HALF_FLOAT : CL_FLOAT};
  cl_image_desc desc = {};
  desc.image_type = CL_MEM_OBJECT_IMAGE2D;
  desc.image_width = shape.width;
  desc.image_height = shape.height;
  cl_int err = CL_SUCCESS;
  *image = CLObject<cl_mem>(cl.clCreateImage(runtime->context(), CL_MEM_READ_WRITE, &format, &desc, nullptr, &err),
                            cl.clReleaseMemObject);
  if (err != CL_SUCCESS)
    return CLError("clCreateImage", err,
                   StrCat(shape.width, "x", shape.height, " RGBA ", ImageTypeName(type)));
  return MaceStatus();
}

MaceStatus CreateBuffer(OpenCLRuntime *runtime, size_t bytes, const void *data, CLObject<cl_mem> *buffer) {
  if (bytes == 0) return InvalidArgs("OpenCL buffer of 0 bytes");
  const OpenCLLibrary &cl = runtime->cl();
  cl_mem_flags flags = CL_MEM_READ_WRITE | (data ? CL_MEM_COPY_HOST_PTR : 0);
  cl_int err = CL_SUCCESS;
  *buffer = CLObject<cl_mem>(
      cl.clCreateBuffer(runtime->context(), flags, bytes, const_cast<void *>(data), &err), cl.clReleaseMemObject);
  if (err != CL_SUCCESS) return CLError("clCreateBuffer", err, StrCat(bytes, " bytes"));
  return MaceStatus();
}

MaceStatus ReadBuffer(OpenCLRuntime *runtime, cl_mem buffer, size_t bytes, void *data) {
  MACE_CL_RETURN_IF_ERROR("clEnqueueReadBuffer",
                          runtime->cl().clEnqueueReadBuffer(runtime->queue(), buffer, CL_TRUE, 0, bytes,
                                                            data, 0, nullptr, nullptr),
                          StrCat(bytes, " bytes"));
  return MaceStatus();
}

MaceStatus ReadFloatImage(OpenCLRuntime *runtime, cl_mem image, const ImageShape &shape, float *data) {
  const size_t origin[3] = {0, 0, 0};
  const size_t region[3] = {shape.width, shape.height, 1};
  MACE_CL_RETURN_IF_ERROR("clEnqueueReadImage",
                          runtime->cl().clEnqueueReadImage(runtime->queue(), image, CL_TRUE, origin, region,
                                                           0, 0, data, 0, nullptr, nullptr),
                          StrCat(shape.width, "x", shape.height));
  return MaceStatus();
}

}  // namespace opencl
}  // namespace mace
