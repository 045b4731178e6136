#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

namespace {

MaceStatus CheckShape(const NCHWShape &shape) {
  if (shape.n <= 0 || shape.c <= 0 || shape.h <= 0 || shape.w <= 0)
    return InvalidArgs("OpenCL image op: NCHW shape ", shape.ToString(), " must be positive");
  return MaceStatus();
}

MaceStatus Transform(OpenCLRuntime *runtime, const char *kernel_name, cl_mem from, const NCHWShape &shape,
                     cl_mem to) {
  MACE_RETURN_IF_ERROR(CheckShape(shape));
  CLObject<cl_kernel> kernel;
  MACE_RETURN_IF_ERROR(runtime->CreateKernel("buffer_transform", kernel_name, "", &kernel));
  MACE_RETURN_IF_ERROR(SetKernelArgs(runtime->cl(), kernel.get(), from, cl_int(shape.c), cl_int(shape.h),
                                     cl_int(shape.w), to));
  ImageShape image = ChannelImageShape(shape);
  const size_t gws[2] = {image.width, image.height};
  return runtime->Run2D(kernel.get(), gws, kernel_name);
}

}  // namespace

MaceStatus BufferToImage(OpenCLRuntime *runtime, cl_mem buffer, const NCHWShape &shape, cl_mem image) {
  return Transform(runtime, "nchw_buffer_to_image", buffer, shape, image);
}

MaceStatus ImageToBuffer(OpenCLRuntime *runtime, cl_mem image, const NCHWShape &shape, cl_mem buffer) {
  return Transform(runtime, "image_to_nchw_buffer", image, shape, buffer);
}

MaceStatus UploadImage(OpenCLRuntime *runtime, const std::vector<float> &data, const NCHWShape &shape,
                       ImageType type, CLObject<cl_mem> *image) {
  CLObject<cl_mem> buffer;
  MACE_RETURN_IF_ERROR(CreateBuffer(runtime, data.size() * sizeof(float), data.data(), &buffer));
  MACE_RETURN_IF_ERROR(CreateImage(runtime, ChannelImageShape(shape), type, image));
  MACE_RETURN_IF_ERROR(BufferToImage(runtime, buffer.get(), shape, image->get()));
  return runtime->Finish();  // the staging buffer is released on return
}

std::string ActivationOptions(const Activation &activation) {
  return StrCat(" -DACTIVATION_TYPE=", int(activation.type));
}

}  // namespace opencl
}  // namespace mace
