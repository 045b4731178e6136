// Identity: copies its input. The converter removes Identity nodes, but a graph output that
// is an Identity of a graph input still needs one.
#include <cstring>

#include "core/op_registry.h"

namespace mace {

class IdentityOp : public Operation {
 public:
  using Operation::Operation;
  MaceStatus Run(OpContext *) override {
    const Tensor *x = Input(0);
    MACE_ENSURE(x != nullptr, Where(), "needs one input");
    Tensor *y = Output(0);
    MACE_RETURN_IF_ERROR(y->Resize(x->shape(), x->dtype()));
    if (x->bytes()) std::memcpy(y->raw_mutable_data(), x->raw_data(), x->bytes());
    return MaceStatus::MACE_SUCCESS;
  }
};

MACE_OP_REGISTRAR(Identity) {
  MACE_REGISTER_CPU_OP(registry, "Identity", IdentityOp, DataType::DT_INVALID);
}

}  // namespace mace
