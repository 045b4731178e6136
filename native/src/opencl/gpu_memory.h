// Where a GPU engine's tensors live. A tensor has its host copy (its Buffer) and may have a
// device copy (an image in MACE's channel-major layout). GpuMemory records which copy is
// current, so a chain of GPU ops passes images without touching the host, while a CPU op
// between GPU ops gets its inputs downloaded and its outputs uploaded on demand: explicit
// transfers, counted in stats().
//
// Images are shared the way host memory is: every tensor of one memory block (the converter's
// liveness plan: tensors of a block are never live at once) uses the block's image, grown to
// the largest of them. Constant tensors read by GPU ops get an image of their own, uploaded once.
#ifndef MACE_OPENCL_GPU_MEMORY_H_
#define MACE_OPENCL_GPU_MEMORY_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "core/op.h"
#include "core/tensor.h"
#include "opencl/opencl_image.h"

namespace mace {
namespace opencl {

// The NCHW view of a tensor on images: rank 4 as is; ranks 2 and 3 take trailing 1s ([N, C] is
// [N, C, 1, 1], so Flatten and Reshape between [N, C, 1, 1] and [N, C] leave the image as it
// is); a vector [C] is channels [1, C, 1, 1]; a scalar is [1, 1, 1, 1]. False (and *why) for
// rank > 4, empty tensors and dims past int.
bool ImageView(const Shape &shape, NCHWShape *view, std::string *why);
// The view of a shape already known to have one (checked by Supports / Fits).
NCHWShape ImageViewOf(const Shape &shape);

class GpuMemory : public DeviceMemory {
 public:
  // `type`: the storage of every activation image (half for fp16_fp32 models, else float).
  GpuMemory(OpenCLRuntime *runtime, ImageType type) : runtime_(runtime), type_(type) {}

  OpenCLRuntime *runtime() const { return runtime_; }
  ImageType image_type() const { return type_; }
  // Whether `shape`'s image fits the device (ImageView + the device's image limits).
  bool Fits(const Shape &shape, std::string *why) const;

  // The image holding float tensor `t`, uploaded from the host copy when the device copy is not
  // current. The image may be larger than the tensor's (shared with its memory block).
  MaceStatus Read(const Tensor *t, cl_mem *image);
  // The image a GPU op writes `t`'s new value into (`t` already has its shape). The device copy
  // becomes current and the host copy stale until Sync.
  MaceStatus Write(Tensor *t, cl_mem *image);
  // Makes `t`'s host copy current, downloading it when a GPU op wrote it last.
  MaceStatus Sync(Tensor *t) override;
  // A CPU op (or the caller) wrote `t`'s host copy: its device copy is stale.
  void HostWritten(const Tensor *t) override;
  MaceStatus Wait() override { return runtime_->Finish(); }
  void BeginRun() override;
  std::string TransferSummary() const override;

  struct Stats {
    int64_t uploads = 0, downloads = 0;
    int64_t upload_bytes = 0, download_bytes = 0;
    int64_t image_bytes = 0;  // device memory held by images
  };
  // Transfers since BeginRun, and the images held.
  const Stats &stats() const { return stats_; }

 private:
  struct Slot {
    CLObject<cl_mem> image;
    ImageShape shape;
    const Tensor *owner = nullptr;  // whose value the image holds; null: nobody's
  };
  // The image of `t`'s block, grown to hold `view`.
  MaceStatus SlotFor(const Tensor *t, const NCHWShape &view, Slot **slot);
  // A staging buffer of at least `bytes` for transfers.
  MaceStatus Staging(size_t bytes, cl_mem *buffer);

  OpenCLRuntime *runtime_;
  ImageType type_;
  std::map<const Buffer *, Slot> slots_;
  std::set<const Tensor *> host_stale_;
  CLObject<cl_mem> staging_;
  size_t staging_bytes_ = 0;
  Stats stats_;
};

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_GPU_MEMORY_H_
