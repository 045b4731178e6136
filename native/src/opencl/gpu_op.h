// The base of GPU (OpenCL) ops: what every GPU kernel's host side needs — the engine's GPU
// memory, the images of its inputs and outputs, its kernel objects (built once per op), and
// launches named after the op for error messages.
#ifndef MACE_OPENCL_GPU_OP_H_
#define MACE_OPENCL_GPU_OP_H_

#include <map>
#include <string>
#include <vector>

#include "core/op.h"
#include "core/op_registry.h"
#include "opencl/gpu_memory.h"

namespace mace {
namespace opencl {

class GpuOperation : public Operation {
 public:
  using Operation::Operation;

 protected:
  // The engine's GPU memory; null on a CPU engine (Supports then refuses).
  static GpuMemory *Memory(const OpContext *ctx) {
    return ctx == nullptr ? nullptr : static_cast<GpuMemory *>(ctx->device_memory);
  }
  // Supports() helpers. Each sets *why and returns false when the case is not taken.
  bool FloatInputs(const std::vector<int> &indices, std::string *why) const;
  static bool HasGpu(const OpContext *ctx, std::string *why);
  // Input `i` is a constant (weights the op transforms once into its own layout).
  bool ConstInput(int i, std::string *why) const;
  static bool Fits(const OpContext *ctx, const Shape &shape, std::string *why) {
    return Memory(ctx)->Fits(shape, why);
  }

  // The image of input `i` (uploaded if the host copy is the current one).
  MaceStatus InputImage(OpContext *ctx, int i, cl_mem *image) { return Memory(ctx)->Read(Input(i), image); }
  // Resizes output `i` to `shape` (float) and returns the image to write it into.
  MaceStatus OutputImage(OpContext *ctx, int i, const Shape &shape, cl_mem *image);

  // This op's kernel `kernel` of program `program` (cl/<program>.cl) built with `options`;
  // created on first use and kept (a kernel holds its arguments, so ops do not share them).
  MaceStatus Kernel(OpContext *ctx, const std::string &program, const std::string &kernel,
                    const std::string &options, cl_kernel *out);
  // Enqueues `kernel` (one of this op's Kernel()s) over `gws` (1 to 3 dimensions): with the
  // tuned local size when the runtime's tuning table has one for this kernel and size (or is
  // tuning), else with `lws` (empty: the driver's choice). A kernel whose code depends on its
  // local size (local memory sized for it) passes `tunable` false and always gets `lws`.
  MaceStatus Enqueue(OpContext *ctx, cl_kernel kernel, const std::vector<size_t> &gws,
                     const std::vector<size_t> &lws = {}, bool tunable = true);
  // Build options every kernel of this engine gets: -DUSE_HALF for half arithmetic (half
  // images on a device with cl_khr_fp16; see common.cl).
  static std::string EngineOptions(const OpContext *ctx);

 private:
  std::map<std::string, CLObject<cl_kernel>> kernels_;
  std::map<cl_kernel, std::string> kernel_names_;  // the tuning table's names
};

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_GPU_OP_H_
