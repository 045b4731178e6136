#include "opencl/gpu_op.h"

namespace mace {
namespace opencl {

bool GpuOperation::FloatInputs(const std::vector<int> &indices, std::string *why) const {
  for (int i : indices) {
    const Tensor *t = Input(i);
    if (t == nullptr) {
      *why = "input " + std::to_string(i) + " is missing";
      return false;
    }
    if (t->dtype() != DataType::DT_FLOAT) {
      *why = std::string(DataTypeName(t->dtype())) + " input " + std::to_string(i) + " (GPU kernel: float32)";
      return false;
    }
  }
  return true;
}

bool GpuOperation::HasGpu(const OpContext *ctx, std::string *why) {
  if (Memory(ctx) != nullptr) return true;
  *why = "no OpenCL runtime";
  return false;
}

bool GpuOperation::ConstInput(int i, std::string *why) const {
  if (Input(i) != nullptr && Input(i)->is_const()) return true;
  *why = "input " + std::to_string(i) + " is not a constant (GPU kernel: constant weights)";
  return false;
}

MaceStatus GpuOperation::OutputImage(OpContext *ctx, int i, const Shape &shape, cl_mem *image) {
  Tensor *t = Output(i);
  if (t == nullptr) return InvalidArgs(Where(), "output ", i, " is required");
  MACE_RETURN_IF_ERROR(t->Resize(shape, DataType::DT_FLOAT));
  return Memory(ctx)->Write(t, image);
}

std::string GpuOperation::EngineOptions(const OpContext *ctx) {
  const GpuMemory *memory = Memory(ctx);
  return memory->image_type() == ImageType::kHalf && memory->runtime()->fp16_supported() ? " -DUSE_HALF" : "";
}

MaceStatus GpuOperation::Kernel(OpContext *ctx, const std::string &program, const std::string &kernel,
                                const std::string &options, cl_kernel *out) {
  const std::string all = options + EngineOptions(ctx);
  const std::string key = program + "/" + kernel + "/" + all;
  auto it = kernels_.find(key);
  if (it == kernels_.end()) {
    CLObject<cl_kernel> k;
    MACE_RETURN_IF_ERROR(Memory(ctx)->runtime()->CreateKernel(program, kernel, all, &k));
    kernel_names_[k.get()] = kernel;
    it = kernels_.emplace(key, std::move(k)).first;
  }
  *out = it->second.get();
  return MaceStatus();
}

MaceStatus GpuOperation::Enqueue(OpContext *ctx, cl_kernel kernel, const std::vector<size_t> &gws,
                                 const std::vector<size_t> &lws, bool tunable) {
  if (!tunable) return Memory(ctx)->runtime()->Enqueue(kernel, gws, lws, Where());
  auto name = kernel_names_.find(kernel);
  return Memory(ctx)->runtime()->Launch(kernel, name == kernel_names_.end() ? "kernel" : name->second, gws, lws,
                                        Where());
}

}  // namespace opencl
}  // namespace mace
