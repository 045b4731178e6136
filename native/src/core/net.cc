#include "core/net.h"

#include <chrono>

#include "core/op_registry.h"

namespace mace {

namespace {
int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

MaceStatus Net::Create(const ModelGraph &graph, const uint8_t *data, ThreadPool *pool,
                       std::unique_ptr<Net> *out) {
  std::unique_ptr<Net> net(new Net(graph, pool));
  const ModelGraph &g = net->graph_;
  for (const auto &t : g.tensors) {
    auto buf = std::make_shared<Buffer>(const_cast<uint8_t *>(data) + t.offset, t.size);
    auto tensor = std::make_unique<Tensor>(t.name, t.dtype, buf, /*is_const=*/true);
    tensor->SetShapeUnchecked(t.dims);
    net->tensors_[t.name] = std::move(tensor);
  }
  for (const auto &in : g.inputs) net->tensors_[in.name] = std::make_unique<Tensor>(in.name, in.dtype);

  std::map<int, std::shared_ptr<Buffer>> blocks;
  for (const auto &kv : g.mem_blocks) {
    auto b = std::make_shared<Buffer>();
    MACE_RETURN_IF_ERROR(b->Reserve(kv.second));
    blocks[kv.first] = b;
  }

  std::vector<std::string> missing;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const OpDef &def = g.ops[k];
    std::vector<Tensor *> inputs, outputs;
    for (const auto &name : def.inputs) inputs.push_back(name.empty() ? nullptr : net->tensors_[name].get());
    for (size_t i = 0; i < def.outputs.size(); ++i) {
      int id = g.mem_ids[k][i];
      auto t = std::make_unique<Tensor>(def.outputs[i], def.output_types[i], id >= 0 ? blocks[id] : nullptr);
      outputs.push_back(t.get());
      net->tensors_[def.outputs[i]] = std::move(t);
    }
    DataType key = def.output_types.empty() ? DataType::DT_FLOAT : def.output_types[0];
    const OpCreator *creator = OpRegistry::Global().Find(def.type, def.device, key);
    if (creator == nullptr) {
      missing.push_back(def.type + " '" + def.name + "'");
      continue;
    }
    net->ops_.push_back((*creator)(def, std::move(inputs), std::move(outputs)));
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? ", " : "") + missing[i];
    return Unsupported("this runtime has no kernel for ", missing.size(), " op(s): ", list);
  }
  for (auto &op : net->ops_) {
    MaceStatus s = op->Init();
    if (!s.ok()) return MaceStatus(s.code(), op->Where() + s.information());
  }
  *out = std::move(net);
  return MaceStatus::MACE_SUCCESS;
}

Tensor *Net::GetTensor(const std::string &name) {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : it->second.get();
}

MaceStatus Net::Run(RunMetadata *metadata) {
  OpContext ctx{pool_};
  if (metadata) metadata->op_stats.clear();
  for (auto &op : ops_) {
    int64_t start = metadata ? NowMicros() : 0;
    MaceStatus s = op->Run(&ctx);
    if (!s.ok()) {
      const std::string &info = s.information();
      return MaceStatus(s.code(), info.rfind("op ", 0) == 0 ? info : op->Where() + info);
    }
    if (metadata) {
      OperatorStats st;
      st.operator_name = op->name();
      st.type = op->type();
      st.start_micros = start;
      st.end_micros = NowMicros();
      st.macs = op->Macs();
      for (int i = 0; i < op->OutputSize(); ++i) st.output_shape.push_back(op->Output(i)->shape());
      metadata->op_stats.push_back(std::move(st));
    }
  }
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace mace
