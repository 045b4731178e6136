// Runtime tensors: a shape, an element type and a view into a Buffer. Buffers are either
// owned (64-byte aligned, growable; shared by the tensors of one memory block) or borrowed
// (weights inside the mmapped .data file, user memory).
#ifndef MACE_CORE_TENSOR_H_
#define MACE_CORE_TENSOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace mace {

constexpr size_t kTensorAlignment = 64;

class Buffer {
 public:
  Buffer() = default;                                    // owned, empty
  Buffer(void *borrowed, size_t size) : data_(borrowed), capacity_(size), owned_(false) {}
  ~Buffer();
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;

  // Ensures at least `bytes` of capacity; an owned buffer grows (contents are not kept),
  // a borrowed one fails when too small.
  MaceStatus Reserve(size_t bytes);
  void *data() const { return data_; }
  size_t capacity() const { return capacity_; }
  bool owned() const { return owned_; }
  // Points a borrowed buffer at other memory (Tensor::Borrow); an owned one is left as it is.
  void Rebind(void *borrowed, size_t size) {
    if (owned_) return;
    data_ = borrowed;
    capacity_ = size;
  }

 private:
  void *data_ = nullptr;
  size_t capacity_ = 0;
  bool owned_ = true;
};

using Shape = std::vector<int64_t>;

std::string ShapeToString(const Shape &shape);
// Element count of a shape; fails on negative dims or overflow past 2^40 elements.
MaceStatus ElementCount(const Shape &shape, int64_t *count);

class Tensor {
 public:
  Tensor(std::string name, DataType dtype, std::shared_ptr<Buffer> buffer = nullptr,
         bool is_const = false);
  // A tensor at a fixed place inside a shared buffer: the input of an in-place Concat, at
  // `offset` bytes into the Concat output's block, or that output itself (offset 0). Its
  // Resize never reallocates the buffer, which would lose what the other tensors there wrote.
  static std::unique_ptr<Tensor> InPlace(std::string name, DataType dtype, std::shared_ptr<Buffer> buffer,
                                         size_t offset);

  const std::string &name() const { return name_; }
  DataType dtype() const { return dtype_; }
  void set_dtype(DataType t) { dtype_ = t; }
  bool is_const() const { return is_const_; }

  const Shape &shape() const { return shape_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[i < 0 ? i + ndim() : i]; }
  int64_t size() const { return size_; }
  size_t bytes() const { return static_cast<size_t>(size_) * DataTypeSize(dtype_); }

  // Sets the shape and makes sure the buffer holds it. Values are not preserved.
  MaceStatus Resize(const Shape &shape);
  // Sets shape and type at once (ops whose output type depends on the input, e.g. Cast).
  MaceStatus Resize(const Shape &shape, DataType dtype);
  // Sets the shape of a tensor whose buffer already holds the data (weights).
  void SetShapeUnchecked(const Shape &shape);
  // Takes `shape` and reads `data` (the caller's memory, that many elements of this tensor's
  // type) in place of its own buffer, until Unborrow(): how a CPU engine takes graph inputs,
  // which no op writes.
  void Borrow(const Shape &shape, const void *data);
  void Unborrow();

  template <typename T> const T *data() const { return static_cast<const T *>(raw_data()); }
  template <typename T> T *mutable_data() { return static_cast<T *>(raw_mutable_data()); }
  const void *raw_data() const { return buffer_ && buffer_->data() ? static_cast<uint8_t *>(buffer_->data()) + offset_ : nullptr; }
  void *raw_mutable_data() { return buffer_ && buffer_->data() ? static_cast<uint8_t *>(buffer_->data()) + offset_ : nullptr; }
  const std::shared_ptr<Buffer> &buffer() const { return buffer_; }

 private:
  std::string name_;
  DataType dtype_;
  Shape shape_;
  int64_t size_ = 0;
  std::shared_ptr<Buffer> buffer_;
  bool is_const_;
  size_t offset_ = 0;     // bytes into buffer_
  bool in_place_ = false;  // see InPlace()
  std::shared_ptr<Buffer> own_;   // the tensor's buffer while it borrows
  std::shared_ptr<Buffer> lent_;  // what Borrow points at the caller's memory
};

}  // namespace mace

#endif  // MACE_CORE_TENSOR_H_
