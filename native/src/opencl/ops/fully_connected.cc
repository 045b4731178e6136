// GPU fully connected layers: Gemm with A an activation [N, K] (transA 0), B a constant matrix
// (transB 0 or 1), an optional constant C broadcast over rows (scalar, [M] or [1, M]), alpha,
// beta and the fused activation; and MatMul of a rank-2 A with a constant rank-2 B. The weights
// are transformed once (first Run) into an image of the engine's storage type (layout in
// cl/fully_connected.cl), the bias beta * C into a [ceil(M/4), 1] image. Refused: transA, a
// non-constant B or C, per-row C ([N, 1], [N, M] with N > 1), other ranks, non-float data.
#include <algorithm>

#include "opencl/gpu_op.h"
#include "opencl/image_ops.h"
#include "ops/common/activation.h"

namespace mace {
namespace opencl {

class GpuFullyConnectedOp : public GpuOperation {
 public:
  GpuFullyConnectedOp(const OpDef &def, std::vector<Tensor *> inputs, std::vector<Tensor *> outputs)
      : GpuOperation(def, std::move(inputs), std::move(outputs)), is_gemm_(def.type == "Gemm") {
    act_status_ = Activation::FromOp(*this, &act_);
    if (is_gemm_) {
      trans_a_ = GetInt("transA", 0);
      trans_b_ = GetInt("transB", 0);
      alpha_ = GetFloat("alpha", 1.f);
      beta_ = GetFloat("beta", 1.f);
    }
  }

  bool Supports(const OpContext *ctx, std::string *why) const override {
    if (!FloatInputs({0, 1}, why)) return false;
    if (!act_status_.ok()) {
      *why = act_status_.information();
      return false;
    }
    if (trans_a_ != 0) {
      *why = "transA " + std::to_string(trans_a_) + " (GPU kernel: A is the activation [N, K], transA 0)";
      return false;
    }
    if (trans_b_ != 0 && trans_b_ != 1) {
      *why = "invalid transB (the CPU kernel reports it)";
      return false;
    }
    if (!ConstInput(1, why)) return false;
    if (HasBias() && (Input(2)->dtype() != DataType::DT_FLOAT || !Input(2)->is_const())) {
      *why = "C is not a constant float tensor (GPU kernel: constant bias)";
      return false;
    }
    if (ctx == nullptr) return true;
    if (!HasGpu(ctx, why)) return false;
    const Tensor *a = Input(0), *b = Input(1);
    if (a->ndim() != 2 || b->ndim() != 2) {
      *why = "A " + ShapeToString(a->shape()) + ", B " + ShapeToString(b->shape()) + " (GPU kernel: both rank 2)";
      return false;
    }
    const int64_t k = a->dim(1), kb = trans_b_ ? b->dim(1) : b->dim(0), m = trans_b_ ? b->dim(0) : b->dim(1);
    if (k != kb) {
      *why = "inner dims differ (the CPU kernel reports it)";
      return false;
    }
    if (HasBias()) {
      const Tensor *c = Input(2);
      const bool per_col = c->ndim() <= 2 && c->size() == m && (c->ndim() == 1 || c->dim(0) == 1);
      if (c->size() != 1 && !per_col) {
        *why = "C " + ShapeToString(c->shape()) + " (GPU kernel: a scalar or [M] / [1, M] bias)";
        return false;
      }
    }
    // The weight image [4 ceil(K/4), ceil(M/4)], as the view that has that image.
    const Shape weights_view{1, 4 * (4 * ((k + 3) / 4)), (m + 3) / 4, 1};
    return Fits(ctx, a->shape(), why) && Fits(ctx, {a->dim(0), m}, why) && Fits(ctx, weights_view, why);
  }

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *a = Input(0), *b = Input(1);
    const int n = int(a->dim(0)), k = int(a->dim(1));
    const int m = int(trans_b_ ? b->dim(0) : b->dim(1));
    const int k_blocks = (k + 3) / 4, out_blocks = (m + 3) / 4;
    OpenCLRuntime *rt = Memory(ctx)->runtime();
    const ImageType storage = Memory(ctx)->image_type();
    if (weights_.get() == nullptr) {
      // Pixel (4kb + j, mb) lane l = W[m = 4mb + l][k = 4kb + j]; as an NCHW [1, 4 * width,
      // height, 1] buffer, element (4x + l, y) sits at (4x + l) * height + y.
      const int width = 4 * k_blocks, height = out_blocks;
      std::vector<float> w(size_t(4) * width * height, 0.f);
      const float *bd = b->data<float>();
      for (int mm = 0; mm < m; ++mm)
        for (int kk = 0; kk < k; ++kk) {
          const float v = trans_b_ ? bd[int64_t(mm) * k + kk] : bd[int64_t(kk) * m + mm];
          const int x = kk, l = mm % 4, y = mm / 4;
          w[size_t(4 * x + l) * height + y] = v;
        }
      MACE_RETURN_IF_ERROR(UploadImage(rt, w, NCHWShape{1, 4 * width, height, 1}, storage, &weights_));
      if (HasBias()) {
        const Tensor *c = Input(2);
        std::vector<float> bias(static_cast<size_t>(m));
        for (int j = 0; j < m; ++j) bias[j] = beta_ * c->data<float>()[c->size() == 1 ? 0 : j];
        MACE_RETURN_IF_ERROR(UploadImage(rt, bias, NCHWShape{1, m, 1, 1}, storage, &bias_));
      }
    }
    cl_mem in, out;
    MACE_RETURN_IF_ERROR(InputImage(ctx, 0, &in));
    MACE_RETURN_IF_ERROR(OutputImage(ctx, 0, {n, m}, &out));

    // Few output pixels and a long K: split K so that more work items share the sums.
    constexpr int kTargetItems = 4096, kMinBlocksPerSplit = 8;
    int splits = 1;
    if (int64_t(out_blocks) * n < kTargetItems && k_blocks >= 2 * kMinBlocksPerSplit)
      splits = std::min<int>(k_blocks / kMinBlocksPerSplit, (kTargetItems + out_blocks * n - 1) / (out_blocks * n));
    const int per_split = (k_blocks + splits - 1) / splits;
    splits = (k_blocks + per_split - 1) / per_split;

    std::string options = ActivationOptions(act_);
    if (HasBias()) options += " -DHAS_BIAS";
    const OpenCLLibrary &cl = rt->cl();
    cl_kernel kernel;
    if (splits == 1) {
      MACE_RETURN_IF_ERROR(Kernel(ctx, "fully_connected", "fully_connected", options, &kernel));
      if (HasBias())
        MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, in, weights_.get(), bias_.get(), cl_int(k / 4), cl_int(k % 4),
                                           cl_int(per_split), cl_int(splits), cl_int(out_blocks), cl_int(n), alpha_, act_.alpha,
                                           act_.beta, out));
      else
        MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, in, weights_.get(), cl_int(k / 4), cl_int(k % 4),
                                           cl_int(per_split), cl_int(splits), cl_int(out_blocks), cl_int(n), alpha_, act_.alpha,
                                           act_.beta, out));
      return Enqueue(ctx, kernel, {size_t(out_blocks), size_t(n), 1});
    }
    const ImageShape partial{size_t(out_blocks) * splits, size_t(n)};
    if (partial_.get() == nullptr || partial.width > partial_shape_.width || partial.height > partial_shape_.height) {
      partial_shape_ = {std::max(partial.width, partial_shape_.width), std::max(partial.height, partial_shape_.height)};
      MACE_RETURN_IF_ERROR(CreateImage(rt, partial_shape_, ImageType::kFloat, &partial_));
    }
    // The partial kernel applies neither bias nor activation (SPLIT_K).
    MACE_RETURN_IF_ERROR(Kernel(ctx, "fully_connected", "fully_connected", "-DSPLIT_K", &kernel));
    MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, in, weights_.get(), cl_int(k / 4), cl_int(k % 4),
                                       cl_int(per_split), cl_int(splits), cl_int(out_blocks), cl_int(n), alpha_, act_.alpha,
                                       act_.beta, partial_.get()));
    MACE_RETURN_IF_ERROR(Enqueue(ctx, kernel, {size_t(out_blocks), size_t(n), size_t(splits)}));
    MACE_RETURN_IF_ERROR(Kernel(ctx, "fully_connected", "fc_reduce", options, &kernel));
    if (HasBias())
      MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, partial_.get(), bias_.get(), cl_int(splits), cl_int(out_blocks),
                                         cl_int(n), alpha_, act_.alpha, act_.beta, out));
    else
      MACE_RETURN_IF_ERROR(SetKernelArgs(cl, kernel, partial_.get(), cl_int(splits), cl_int(out_blocks), cl_int(n),
                                         alpha_, act_.alpha, act_.beta, out));
    return Enqueue(ctx, kernel, {size_t(out_blocks), size_t(n)});
  }

 private:
  // The CPU kernel ignores C when beta is 0.
  bool HasBias() const { return is_gemm_ && Input(2) != nullptr && beta_ != 0.f; }

  const bool is_gemm_;
  MaceStatus act_status_;
  Activation act_;
  int64_t trans_a_ = 0, trans_b_ = 0;
  float alpha_ = 1.f, beta_ = 1.f;
  CLObject<cl_mem> weights_, bias_, partial_;
  ImageShape partial_shape_;
};

}  // namespace opencl

MACE_OP_REGISTRAR(GpuFullyConnected) {
  MACE_REGISTER_GPU_OP(registry, "Gemm", opencl::GpuFullyConnectedOp, DataType::DT_INVALID);
  MACE_REGISTER_GPU_OP(registry, "MatMul", opencl::GpuFullyConnectedOp, DataType::DT_INVALID);
}

}  // namespace mace
