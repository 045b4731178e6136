// MatMul (ONNX opset 23), float32, numpy semantics: a 1-D A is promoted to [1, K] and a 1-D B
// to [K, 1] (the promoted dims are removed from the output); batch dims broadcast. A 2-D B
// against an N-D A is one GEMM with A's batch folded into M. A constant B is packed once in
// Init (one packed matrix per batch matrix of B). Fused activation as for Conv.
#include <algorithm>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/activation.h"
#include "ops/common/gemm.h"

namespace mace {

class MatMulOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Init() override {
    MACE_RETURN_IF_ERROR(Activation::FromOp(*this, &activation_));
    const Tensor *b = Input(1);
    if (b != nullptr && b->is_const() && b->dtype() == DataType::DT_FLOAT && b->ndim() >= 1 &&
        b->size() > 0) {
      const int64_t k = b->ndim() == 1 ? b->dim(0) : b->dim(-2);
      const int64_t n = b->ndim() == 1 ? 1 : b->dim(-1);
      const int64_t count = b->size() / (k * n);
      packed_b_.resize(static_cast<size_t>(count));
      for (int64_t i = 0; i < count; ++i)
        MACE_RETURN_IF_ERROR(packed_b_[i].PackB(b->data<float>() + i * k * n, n, false, k, n));
      packed_shape_ = b->shape();
    }
    return MaceStatus::MACE_SUCCESS;
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *a = Input(0), *b = Input(1);
    MACE_ENSURE(a != nullptr && b != nullptr, Where(), "needs inputs A and B");
    MACE_ENSURE(a->dtype() == DataType::DT_FLOAT && b->dtype() == DataType::DT_FLOAT, Where(),
                "A and B must be float32");
    MACE_ENSURE(a->ndim() >= 1 && b->ndim() >= 1, Where(), "A ", ShapeToString(a->shape()),
                " and B ", ShapeToString(b->shape()), " must have rank >= 1");
    // Promote 1-D operands to matrices.
    Shape sa = a->shape(), sb = b->shape();
    const bool a_vector = sa.size() == 1, b_vector = sb.size() == 1;
    if (a_vector) sa.insert(sa.begin(), 1);
    if (b_vector) sb.push_back(1);
    const int64_t m = sa[sa.size() - 2], k = sa.back();
    const int64_t kb = sb[sb.size() - 2], n = sb.back();
    MACE_ENSURE(k == kb, Where(), "inner dims differ: A ", ShapeToString(a->shape()), " and B ",
                ShapeToString(b->shape()));

    // Broadcast the batch dims.
    const size_t ra = sa.size() - 2, rb = sb.size() - 2, rank = std::max(ra, rb);
    Shape batch(rank, 1);
    for (size_t i = 0; i < rank; ++i) {
      const int64_t da = i + ra >= rank ? sa[i + ra - rank] : 1;
      const int64_t db = i + rb >= rank ? sb[i + rb - rank] : 1;
      MACE_ENSURE(da == db || da == 1 || db == 1, Where(), "batch dims of A ",
                  ShapeToString(a->shape()), " and B ", ShapeToString(b->shape()),
                  " do not broadcast");
      batch[i] = std::max(da, db);
      if (da == 0 || db == 0) batch[i] = 0;
    }
    Shape out_shape = batch;
    if (!a_vector) out_shape.push_back(m);
    if (!b_vector) out_shape.push_back(n);
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(out_shape));
    int64_t batch_count = 1;
    for (int64_t d : batch) batch_count *= d;
    macs_ = batch_count * m * n * k;
    if (y->size() == 0) return MaceStatus::MACE_SUCCESS;

    const float *ad = a->data<float>(), *bd = b->data<float>();
    float *yd = y->mutable_data<float>();
    const bool use_packed = !packed_b_.empty() && packed_shape_ == b->shape();
    gemm::Epilogue ep;
    ep.activation = activation_;
    ThreadPool *pool = ctx->thread_pool;

    int64_t b_count = 1;
    for (size_t i = 0; i < rb; ++i) b_count *= sb[i];
    if (b_count == 1) {
      // One B for every batch: fold A's batch dims into M (A is contiguous).
      const int64_t rows = batch_count * m;
      gemm::Operand bop = use_packed ? gemm::Operand::Packed(packed_b_[0])
                                     : gemm::Operand::Dense(bd, n, false);
      return gemm::Sgemm(rows, n, k, 1.f, gemm::Operand::Dense(ad, k, false), bop, 0.f, yd, n, ep,
                         pool);
    }

    // Offsets of each output batch's A and B matrices (broadcast dims repeat).
    std::vector<int64_t> a_index(static_cast<size_t>(batch_count)),
        b_index(static_cast<size_t>(batch_count));
    std::vector<int64_t> coord(rank, 0);
    for (int64_t t = 0; t < batch_count; ++t) {
      int64_t ia = 0, ib = 0;
      for (size_t i = 0; i < rank; ++i) {
        const int64_t da = i + ra >= rank ? sa[i + ra - rank] : 1;
        const int64_t db = i + rb >= rank ? sb[i + rb - rank] : 1;
        ia = ia * da + (da == 1 ? 0 : coord[i]);
        ib = ib * db + (db == 1 ? 0 : coord[i]);
      }
      a_index[t] = ia;
      b_index[t] = ib;
      for (size_t i = rank; i-- > 0;) {
        if (++coord[i] < batch[i]) break;
        coord[i] = 0;
      }
    }
    auto run_one = [&](int64_t t, ThreadPool *gemm_pool) -> MaceStatus {
      gemm::Operand bop = use_packed ? gemm::Operand::Packed(packed_b_[b_index[t]])
                                     : gemm::Operand::Dense(bd + b_index[t] * k * n, n, false);
      return gemm::Sgemm(m, n, k, 1.f, gemm::Operand::Dense(ad + a_index[t] * m * k, k, false), bop,
                         0.f, yd + t * m * n, n, ep, gemm_pool);
    };
    return gemm::RunJobs(pool, batch_count, m * n * k, run_one);
  }

  int64_t Macs() const override { return macs_; }

 private:
  Activation activation_;
  std::vector<gemm::PackedMatrix> packed_b_;  // one per batch matrix of a constant B
  Shape packed_shape_;
  int64_t macs_ = 0;
};

MACE_OP_REGISTRAR(MatMul) {
  MACE_REGISTER_CPU_OP(registry, "MatMul", MatMulOp, DataType::DT_FLOAT);
}

}  // namespace mace
