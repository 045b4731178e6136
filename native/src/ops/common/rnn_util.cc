// Implementation of the recurrent-op helpers declared in rnn_util.h.
#include "ops/common/rnn_util.h"

#include "ops/common/gemm.h"

#include <cctype>
#include <cstring>

namespace mace {
namespace rnn {

void Act::Apply(float *x, int64_t n) const {
  switch (kind) {
    case ActKind::kSigmoid:
      for (int64_t i = 0; i < n; ++i) x[i] = fast_math::SigmoidApprox(x[i]);
      return;
    case ActKind::kTanh:
      for (int64_t i = 0; i < n; ++i) x[i] = fast_math::TanhApprox(x[i]);
      return;
    case ActKind::kRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0.f ? x[i] : 0.f;
      return;
    default:
      for (int64_t i = 0; i < n; ++i) x[i] = (*this)(x[i]);
  }
}

namespace {

std::string Lower(const std::string &s) {
  std::string r = s;
  for (auto &c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

}  // namespace

MaceStatus ParseActivations(const Operation &op, const std::vector<std::string> &defaults, int num_dirs,
                            std::vector<Act> *acts) {
  std::vector<std::string> names = op.GetStrings("activations");
  const size_t per_dir = defaults.size();
  if (names.empty()) {
    for (int d = 0; d < num_dirs; ++d) names.insert(names.end(), defaults.begin(), defaults.end());
  } else if (names.size() == per_dir && num_dirs == 2) {
    std::vector<std::string> twice = names;
    names.insert(names.end(), twice.begin(), twice.end());
  }
  if (names.size() != per_dir * num_dirs)
    return InvalidArgs(op.Where(), "'activations' has ", names.size(), " entries; expected ", per_dir * num_dirs,
                       " (", per_dir, " per direction)");
  const std::vector<float> alphas = op.GetFloats("activation_alpha");
  const std::vector<float> betas = op.GetFloats("activation_beta");
  size_t ai = 0, bi = 0;
  acts->clear();
  for (const auto &name : names) {
    const std::string n = Lower(name);
    Act a;
    bool uses_alpha = false, uses_beta = false;
    float da = 0.f, db = 0.f;
    if (n == "sigmoid") a.kind = ActKind::kSigmoid;
    else if (n == "tanh") a.kind = ActKind::kTanh;
    else if (n == "relu") a.kind = ActKind::kRelu;
    else if (n == "affine") { a.kind = ActKind::kAffine; uses_alpha = uses_beta = true; da = 1.f; db = 0.f; }
    else if (n == "leakyrelu") { a.kind = ActKind::kLeakyRelu; uses_alpha = true; da = 0.01f; }
    else if (n == "thresholdedrelu") { a.kind = ActKind::kThresholdedRelu; uses_alpha = true; da = 1.f; }
    else if (n == "scaledtanh") { a.kind = ActKind::kScaledTanh; uses_alpha = uses_beta = true; da = 1.f; db = 1.f; }
    else if (n == "hardsigmoid") { a.kind = ActKind::kHardSigmoid; uses_alpha = uses_beta = true; da = 0.2f; db = 0.5f; }
    else if (n == "elu") { a.kind = ActKind::kElu; uses_alpha = true; da = 1.f; }
    else if (n == "softsign") a.kind = ActKind::kSoftsign;
    else if (n == "softplus") a.kind = ActKind::kSoftplus;
    else return Unsupported(op.Where(), "activation '", name, "' is not supported");
    a.alpha = uses_alpha ? (ai < alphas.size() ? alphas[ai++] : da) : 0.f;
    a.beta = uses_beta ? (bi < betas.size() ? betas[bi++] : db) : 0.f;
    acts->push_back(a);
  }
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus ValidateCommon(const Operation &op, int gates, Dims *d) {
  const Tensor *x = op.Input(0), *w = op.Input(1), *r = op.Input(2);
  MACE_ENSURE(x != nullptr && w != nullptr && r != nullptr, op.Where(), "needs the X, W and R inputs");
  for (int i = 0; i < 3; ++i)
    MACE_ENSURE(op.Input(i)->dtype() == DataType::DT_FLOAT, op.Where(), "input ", i, " must be float32, got ",
                DataTypeName(op.Input(i)->dtype()));
  const std::string direction = op.GetString("direction", "forward");
  if (direction == "forward") d->num_dirs = 1;
  else if (direction == "reverse") { d->num_dirs = 1; d->reverse_only = true; }
  else if (direction == "bidirectional") d->num_dirs = 2;
  else return InvalidArgs(op.Where(), "direction '", direction, "' is not forward, reverse or bidirectional");
  const int64_t layout = op.GetInt("layout", 0);
  MACE_ENSURE(layout == 0 || layout == 1, op.Where(), "layout ", layout, " is not 0 or 1");
  d->layout = static_cast<int>(layout);
  MACE_ENSURE(x->ndim() == 3, op.Where(), "X must be 3-D, got ", ShapeToString(x->shape()));
  d->seq = layout == 0 ? x->dim(0) : x->dim(1);
  d->batch = layout == 0 ? x->dim(1) : x->dim(0);
  d->input = x->dim(2);
  MACE_ENSURE(w->ndim() == 3 && r->ndim() == 3, op.Where(), "W and R must be 3-D, got ", ShapeToString(w->shape()),
              " and ", ShapeToString(r->shape()));
  d->hidden = r->dim(2);
  if (op.HasArg("hidden_size")) {
    MACE_ENSURE(op.GetInt("hidden_size", 0) == d->hidden, op.Where(), "hidden_size ", op.GetInt("hidden_size", 0),
                " does not match R ", ShapeToString(r->shape()));
  }
  MACE_ENSURE(d->hidden > 0, op.Where(), "hidden size must be positive, R is ", ShapeToString(r->shape()));
  const Shape w_want{d->num_dirs, gates * d->hidden, d->input};
  const Shape r_want{d->num_dirs, gates * d->hidden, d->hidden};
  MACE_ENSURE(w->shape() == w_want, op.Where(), "W has shape ", ShapeToString(w->shape()), ", expected ",
              ShapeToString(w_want));
  MACE_ENSURE(r->shape() == r_want, op.Where(), "R has shape ", ShapeToString(r->shape()), ", expected ",
              ShapeToString(r_want));
  if (const Tensor *b = op.Input(3)) {
    const Shape b_want{d->num_dirs, 2 * gates * d->hidden};
    MACE_ENSURE(b->dtype() == DataType::DT_FLOAT, op.Where(), "B must be float32");
    MACE_ENSURE(b->shape() == b_want, op.Where(), "B has shape ", ShapeToString(b->shape()), ", expected ",
                ShapeToString(b_want));
  }
  d->lens.assign(static_cast<size_t>(d->batch), d->seq);
  if (op.Input(4) != nullptr) {
    std::vector<int64_t> lens;
    MACE_RETURN_IF_ERROR(op.ReadIntInput(4, &lens));
    MACE_ENSURE(static_cast<int64_t>(lens.size()) == d->batch, op.Where(), "sequence_lens has ", lens.size(),
                " values for batch ", d->batch);
    for (int64_t v : lens)
      MACE_ENSURE(v >= 0 && v <= d->seq, op.Where(), "sequence length ", v, " is outside [0, ", d->seq, "]");
    d->lens = lens;
  }
  return CheckStateShape(op, 5, "initial_h", *d);
}

MaceStatus CheckStateShape(const Operation &op, int index, const char *what, const Dims &d) {
  const Tensor *t = op.Input(index);
  if (t == nullptr) return MaceStatus::MACE_SUCCESS;
  const Shape want = d.layout == 0 ? Shape{d.num_dirs, d.batch, d.hidden} : Shape{d.batch, d.num_dirs, d.hidden};
  MACE_ENSURE(t->dtype() == DataType::DT_FLOAT, op.Where(), what, " must be float32");
  MACE_ENSURE(t->shape() == want, op.Where(), what, " has shape ", ShapeToString(t->shape()), ", expected ",
              ShapeToString(want));
  return MaceStatus::MACE_SUCCESS;
}

void PackTransposed(const float *w, int64_t rows, int64_t cols, float *out) {
  constexpr int64_t kB = 16;
  for (int64_t r0 = 0; r0 < rows; r0 += kB)
    for (int64_t c0 = 0; c0 < cols; c0 += kB)
      for (int64_t r = r0; r < std::min(rows, r0 + kB); ++r)
        for (int64_t c = c0; c < std::min(cols, c0 + kB); ++c) out[c * rows + r] = w[r * cols + c];
}

MaceStatus PackWeights(const Operation &op, int gates, std::vector<float> *w_packed, std::vector<float> *r_packed) {
  const Tensor *w = op.Input(1), *r = op.Input(2);
  MACE_ENSURE(w != nullptr && r != nullptr, op.Where(), "needs the W and R inputs");
  MACE_ENSURE(w->dtype() == DataType::DT_FLOAT && r->dtype() == DataType::DT_FLOAT && w->ndim() == 3 &&
                  r->ndim() == 3 && w->dim(0) == r->dim(0) && w->dim(1) == r->dim(1),
              op.Where(), "W ", ShapeToString(w->shape()), " and R ", ShapeToString(r->shape()), " must be float32 [dirs, ",
              gates, "*hidden, input] and [dirs, ", gates, "*hidden, hidden]");
  const int64_t dirs = w->dim(0), rows = w->dim(1);
  w_packed->resize(static_cast<size_t>(w->size()));
  r_packed->resize(static_cast<size_t>(r->size()));
  for (int64_t k = 0; k < dirs; ++k) {
    PackTransposed(w->data<float>() + k * rows * w->dim(2), rows, w->dim(2), w_packed->data() + k * rows * w->dim(2));
    PackTransposed(r->data<float>() + k * rows * r->dim(2), rows, r->dim(2), r_packed->data() + k * rows * r->dim(2));
  }
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus ParseClip(const Operation &op, bool *has_clip, float *clip) {
  *has_clip = op.HasArg("clip");
  *clip = op.GetFloat("clip", 0.f);
  MACE_ENSURE(!*has_clip || *clip > 0.f, op.Where(), "clip ", *clip, " must be positive");
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus Gemm(ThreadPool *pool, const float *a, int64_t lda, const float *bt, int64_t ldb, float *c,
                int64_t ldc, int64_t m, int64_t k, int64_t n, bool accumulate) {
  // The shared GEMM: one-row products (a step of batch 1) take its matrix-vector path, compiled
  // for the CPU's instruction set, larger ones its packed kernels.
  return gemm::Sgemm(m, n, k, 1.f, gemm::Operand::Dense(a, lda, false), gemm::Operand::Dense(bt, ldb, false),
                     accumulate ? 1.f : 0.f, c, ldc, gemm::Epilogue(), pool);
}

}  // namespace rnn
}  // namespace mace
