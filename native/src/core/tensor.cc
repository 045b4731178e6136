#include "core/tensor.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/memory.h"

namespace mace {

Buffer::~Buffer() {
  if (owned_) std::free(data_);
}

MaceStatus Buffer::Reserve(size_t bytes) {
  if (bytes <= capacity_) return MaceStatus::MACE_SUCCESS;
  if (!owned_) {
    return RuntimeError("tensor needs ", bytes, " bytes but its borrowed buffer holds ", capacity_);
  }
  // Round up so that vector kernels may read a full register past the last element.
  size_t rounded = (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment + kTensorAlignment;
  void *p = AllocateAligned(rounded, kTensorAlignment);
  if (p == nullptr) return OutOfResources("cannot allocate ", rounded, " bytes");
  std::memset(p, 0, rounded);
  std::free(data_);
  data_ = p;
  capacity_ = rounded;
  return MaceStatus::MACE_SUCCESS;
}

std::string ShapeToString(const Shape &shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i];
  os << "]";
  return os.str();
}

MaceStatus ElementCount(const Shape &shape, int64_t *count) {
  constexpr int64_t kMax = int64_t{1} << 40;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return InvalidArgs("negative dimension in shape ", ShapeToString(shape));
    if (d != 0 && n > kMax / d) return InvalidArgs("shape ", ShapeToString(shape), " is too large");
    n *= d;
  }
  *count = n;
  return MaceStatus::MACE_SUCCESS;
}

Tensor::Tensor(std::string name, DataType dtype, std::shared_ptr<Buffer> buffer, bool is_const)
    : name_(std::move(name)), dtype_(dtype), buffer_(std::move(buffer)), is_const_(is_const) {
  if (!buffer_) buffer_ = std::make_shared<Buffer>();
}

std::unique_ptr<Tensor> Tensor::InPlace(std::string name, DataType dtype, std::shared_ptr<Buffer> buffer,
                                        size_t offset) {
  auto t = std::make_unique<Tensor>(std::move(name), dtype, std::move(buffer));
  t->offset_ = offset;
  t->in_place_ = true;
  return t;
}

MaceStatus Tensor::Resize(const Shape &shape) {
  if (is_const_) return RuntimeError("cannot resize constant tensor ", name_);
  int64_t n = 0;
  MACE_RETURN_IF_ERROR(ElementCount(shape, &n));
  const size_t end = offset_ + static_cast<size_t>(n) * DataTypeSize(dtype_);
  if (in_place_ && end > buffer_->capacity())
    return RuntimeError("tensor ", name_, " of shape ", ShapeToString(shape), " does not fit its place in the ",
                        "in-place Concat's memory (", buffer_->capacity(), " bytes): the model's declared shapes ",
                        "differ from the run's; convert the model again");
  MACE_RETURN_IF_ERROR(buffer_->Reserve(end));
  shape_ = shape;
  size_ = n;
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus Tensor::Resize(const Shape &shape, DataType dtype) {
  dtype_ = dtype;
  return Resize(shape);
}

void Tensor::Borrow(const Shape &shape, const void *data) {
  if (!own_) own_ = std::move(buffer_);
  if (!lent_) lent_ = std::make_shared<Buffer>(nullptr, 0);
  SetShapeUnchecked(shape);
  lent_->Rebind(const_cast<void *>(data), bytes());
  buffer_ = lent_;
  offset_ = 0;
}

void Tensor::Unborrow() {
  if (own_) buffer_ = std::move(own_);
}

void Tensor::SetShapeUnchecked(const Shape &shape) {
  shape_ = shape;
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  size_ = n;
}

}  // namespace mace
