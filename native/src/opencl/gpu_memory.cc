#include "opencl/gpu_memory.h"

#include <algorithm>
#include <limits>

#include "opencl/image_ops.h"

namespace mace {
namespace opencl {

bool ImageView(const Shape &shape, NCHWShape *view, std::string *why) {
  if (shape.size() > 4) {
    *why = "rank " + std::to_string(shape.size()) + " (GPU images: rank 0..4)";
    return false;
  }
  for (int64_t d : shape)
    if (d <= 0 || d > std::numeric_limits<int>::max()) {
      *why = "shape " + ShapeToString(shape) + " (GPU images: non-empty tensors)";
      return false;
    }
  int64_t d[4] = {1, 1, 1, 1};
  if (shape.size() == 1) {
    d[1] = shape[0];
  } else {
    for (size_t i = 0; i < shape.size(); ++i) d[i] = shape[i];
  }
  view->n = int(d[0]), view->c = int(d[1]), view->h = int(d[2]), view->w = int(d[3]);
  return true;
}

NCHWShape ImageViewOf(const Shape &shape) {
  NCHWShape view;
  std::string why;
  ImageView(shape, &view, &why);
  return view;
}

bool GpuMemory::Fits(const Shape &shape, std::string *why) const {
  NCHWShape view;
  if (!ImageView(shape, &view, why)) return false;
  ImageShape image = ChannelImageShape(view);
  if (!runtime_->image_supported()) {
    *why = "the OpenCL device has no image support";
    return false;
  }
  if (image.width > runtime_->image2d_max_width() || image.height > runtime_->image2d_max_height()) {
    *why = "shape " + ShapeToString(shape) + " needs a " + std::to_string(image.width) + "x" +
           std::to_string(image.height) + " image, past the device's " +
           std::to_string(runtime_->image2d_max_width()) + "x" + std::to_string(runtime_->image2d_max_height());
    return false;
  }
  return true;
}

MaceStatus GpuMemory::SlotFor(const Tensor *t, const NCHWShape &view, Slot **slot) {
  Slot &s = slots_[t->buffer().get()];
  ImageShape need = ChannelImageShape(view);
  if (s.image.get() == nullptr || need.width > s.shape.width || need.height > s.shape.height) {
    ImageShape grown = {std::max(need.width, s.shape.width), std::max(need.height, s.shape.height)};
    CLObject<cl_mem> image;
    MACE_RETURN_IF_ERROR(CreateImage(runtime_, grown, type_, &image));
    const int64_t pixel = type_ == ImageType::kHalf ? 8 : 16;
    stats_.image_bytes += int64_t(grown.width * grown.height - s.shape.width * s.shape.height) * pixel;
    s.image = std::move(image);
    s.shape = grown;
    s.owner = nullptr;  // the old contents are gone
  }
  *slot = &s;
  return MaceStatus();
}

MaceStatus GpuMemory::Staging(size_t bytes, cl_mem *buffer) {
  if (bytes > staging_bytes_) {
    MACE_RETURN_IF_ERROR(CreateBuffer(runtime_, bytes, nullptr, &staging_));
    staging_bytes_ = bytes;
  }
  *buffer = staging_.get();
  return MaceStatus();
}

MaceStatus GpuMemory::Read(const Tensor *t, cl_mem *image) {
  auto it = slots_.find(t->buffer().get());
  if (it != slots_.end() && it->second.owner == t) {
    *image = it->second.image.get();
    return MaceStatus();
  }
  if (host_stale_.count(t))
    return RuntimeError("GPU memory: tensor '", t->name(), "' has no current copy (its image was reused)");
  if (t->dtype() != DataType::DT_FLOAT)
    return InvalidArgs("GPU memory: tensor '", t->name(), "' is ", DataTypeName(t->dtype()),
                       " (GPU images hold float tensors)");
  NCHWShape view;
  std::string why;
  if (!ImageView(t->shape(), &view, &why)) return InvalidArgs("GPU memory: tensor '", t->name(), "': ", why);
  Slot *slot = nullptr;
  MACE_RETURN_IF_ERROR(SlotFor(t, view, &slot));
  cl_mem staging = nullptr;
  MACE_RETURN_IF_ERROR(Staging(t->bytes(), &staging));
  // Blocking: the host copy may change as soon as this returns (a CPU op writing its block).
  MACE_CL_RETURN_IF_ERROR("clEnqueueWriteBuffer",
                          runtime_->cl().clEnqueueWriteBuffer(runtime_->queue(), staging, CL_TRUE, 0, t->bytes(),
                                                              t->raw_data(), 0, nullptr, nullptr),
                          "upload of " + t->name());
  MACE_RETURN_IF_ERROR(BufferToImage(runtime_, staging, view, slot->image.get()));
  slot->owner = t;
  ++stats_.uploads;
  stats_.upload_bytes += int64_t(t->bytes());
  *image = slot->image.get();
  return MaceStatus();
}

MaceStatus GpuMemory::Write(Tensor *t, cl_mem *image) {
  NCHWShape view;
  std::string why;
  if (!ImageView(t->shape(), &view, &why)) return InvalidArgs("GPU memory: tensor '", t->name(), "': ", why);
  Slot *slot = nullptr;
  MACE_RETURN_IF_ERROR(SlotFor(t, view, &slot));
  slot->owner = t;
  host_stale_.insert(t);
  *image = slot->image.get();
  return MaceStatus();
}

MaceStatus GpuMemory::Sync(Tensor *t) {
  if (!host_stale_.count(t)) return MaceStatus();
  auto it = slots_.find(t->buffer().get());
  if (it == slots_.end() || it->second.owner != t)
    return RuntimeError("GPU memory: tensor '", t->name(), "' has no current copy (its image was reused)");
  NCHWShape view;
  std::string why;
  if (!ImageView(t->shape(), &view, &why)) return InvalidArgs("GPU memory: tensor '", t->name(), "': ", why);
  cl_mem staging = nullptr;
  MACE_RETURN_IF_ERROR(Staging(t->bytes(), &staging));
  MACE_RETURN_IF_ERROR(ImageToBuffer(runtime_, it->second.image.get(), view, staging));
  MACE_RETURN_IF_ERROR(ReadBuffer(runtime_, staging, t->bytes(), t->raw_mutable_data()));
  host_stale_.erase(t);
  ++stats_.downloads;
  stats_.download_bytes += int64_t(t->bytes());
  return MaceStatus();
}

void GpuMemory::BeginRun() {
  stats_.uploads = stats_.downloads = stats_.upload_bytes = stats_.download_bytes = 0;
}

std::string GpuMemory::TransferSummary() const {
  auto kb = [](int64_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KB"; };
  auto count = [](int64_t n, const char *what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); };
  return "transfers: " + count(stats_.uploads, "upload") + " (" + kb(stats_.upload_bytes) + "), " +
         count(stats_.downloads, "download") + " (" + kb(stats_.download_bytes) + ")";
}

void GpuMemory::HostWritten(const Tensor *t) {
  if (t->is_const()) return;  // uploaded once, never changes
  host_stale_.erase(t);
  auto it = slots_.find(t->buffer().get());
  if (it != slots_.end() && it->second.owner == t) it->second.owner = nullptr;
}

}  // namespace opencl
}  // namespace mace
