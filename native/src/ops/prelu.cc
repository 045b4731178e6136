// PRelu: y = x < 0 ? slope * x : x, float32, with the slope broadcast unidirectionally to X
// (e.g. X [N,C,H,W] with slope [C,1,1], [1] or [W]).
#include "core/op_registry.h"
#include "ops/common/broadcast.h"

namespace mace {

class PReluOp : public Operation {
 public:
  using Operation::Operation;

  MaceStatus Run(OpContext *ctx) override {
    const Tensor *x = Input(0);
    const Tensor *slope = Input(1);
    MACE_ENSURE(x != nullptr && slope != nullptr, Where(), "needs inputs X and slope");
    Tensor *y = Output(0);
    MACE_ENSURE(y != nullptr, Where(), "output Y is required");
    MACE_ENSURE(x->dtype() == DataType::DT_FLOAT && slope->dtype() == DataType::DT_FLOAT, Where(),
                "X and slope must be float32, got ", DataTypeName(x->dtype()), " and ",
                DataTypeName(slope->dtype()));
    MACE_ENSURE(BroadcastsTo(slope->shape(), x->shape()), Where(), "slope shape ",
                ShapeToString(slope->shape()), " does not broadcast to X shape ",
                ShapeToString(x->shape()));
    MaceStatus s = plan_.Init(x->shape(), slope->shape());
    if (!s.ok()) return InvalidArgs(Where(), s.information());
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), DataType::DT_FLOAT));
    BroadcastBinary(ctx, plan_, x->data<float>(), slope->data<float>(), y->mutable_data<float>(),
                    kCheapOpChunk, [](float v, float a) { return v < 0.f ? a * v : v; });
    return MaceStatus::MACE_SUCCESS;
  }

 private:
  BroadcastPlan plan_;
};

MACE_OP_REGISTRAR(PRelu) {
  MACE_REGISTER_CPU_OP(registry, "PRelu", PReluOp, DataType::DT_INVALID);
}

}  // namespace mace
