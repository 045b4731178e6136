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
                       std::unique_ptr<Net> *out, const NetOptions &options) {
  std::unique_ptr<Net> net(new Net(graph, pool, options));
  const bool gpu_engine = options.device_memory != nullptr;
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
    // The inputs of an in-place Concat live inside its output's block (ModelGraph::in_place),
    // except on a GPU engine, whose device memory is one allocation per block: there they get
    // their own buffers and the Concat copies them.
    bool hosts_in_place = false;
    for (const auto &in : def.inputs) hosts_in_place = hosts_in_place || g.in_place.count(in) > 0;
    for (size_t i = 0; i < def.outputs.size(); ++i) {
      const int id = g.mem_ids[k][i];
      const std::string &name = def.outputs[i];
      const bool member = g.in_place.count(name) > 0;
      std::unique_ptr<Tensor> t;
      if (id >= 0 && !gpu_engine && (member || (hosts_in_place && i == 0)))
        t = Tensor::InPlace(name, def.output_types[i], blocks[id], g.mem_offsets[k][i]);
      else
        t = std::make_unique<Tensor>(name, def.output_types[i], id >= 0 && !(member && gpu_engine) ? blocks[id] : nullptr);
      outputs.push_back(t.get());
      net->tensors_[name] = std::move(t);
    }
    DataType key = def.output_types.empty() ? DataType::DT_FLOAT : def.output_types[0];
    const OpRegistry &registry = OpRegistry::Global();
    // A CPU engine runs the CPU kernels only (an op the model places elsewhere has none).
    const OpCreator *cpu = gpu_engine || def.device == kCpuDevice ? registry.Find(def.type, kCpuDevice, key) : nullptr;
    const OpCreator *gpu = gpu_engine ? registry.Find(def.type, kGpuDevice, key) : nullptr;
    if (cpu == nullptr && gpu == nullptr) {
      missing.push_back(def.type + " '" + def.name + "'");
      continue;
    }
    Slot slot;
    if (gpu != nullptr) {
      slot.gpu = (*gpu)(def, inputs, outputs);
      std::string why;
      if (cpu != nullptr && !slot.gpu->Supports(nullptr, &why)) {
        slot.gpu.reset();
        slot.cpu_reason = why;
      }
    } else if (gpu_engine) {
      slot.cpu_reason = "no GPU kernel";
    }
    if (cpu != nullptr) slot.cpu = (*cpu)(def, std::move(inputs), std::move(outputs));
    slot.on_gpu = slot.gpu != nullptr;
    net->ops_.push_back(std::move(slot));
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? ", " : "") + missing[i];
    return Unsupported("this runtime has no kernel for ", missing.size(), " op(s): ", list);
  }
  for (auto &slot : net->ops_) {
    for (Operation *op : {slot.cpu.get(), slot.gpu.get()}) {
      if (op == nullptr) continue;
      MaceStatus s = op->Init();
      if (!s.ok()) return MaceStatus(s.code(), op->Where() + s.information());
    }
  }
  if (!gpu_engine) net->AbsorbProducers();
  *out = std::move(net);
  return MaceStatus::MACE_SUCCESS;
}

void Net::AbsorbProducers() {
  std::map<std::string, int> readers;
  for (const auto &def : graph_.ops)
    for (const auto &in : def.inputs) ++readers[in];
  for (const auto &out : graph_.outputs) ++readers[out.name];
  for (size_t k = 0; k + 1 < ops_.size(); ++k) {
    const OpDef &def = graph_.ops[k], &next = graph_.ops[k + 1];
    if (ops_[k].cpu == nullptr || ops_[k + 1].cpu == nullptr || def.outputs.size() != 1 ||
        next.inputs.empty() || next.inputs[0] != def.outputs[0] || readers[def.outputs[0]] != 1)
      continue;
    // A producer that absorbed its own producer stays: Absorb sees single ops only.
    if (k > 0 && ops_[k - 1].absorbed) continue;
    const Shape between = k < graph_.out_shapes.size() && !graph_.out_shapes[k].empty()
                              ? graph_.out_shapes[k][0]
                              : Shape();
    ops_[k].absorbed = ops_[k + 1].cpu->Absorb(ops_[k].cpu.get(), between);
  }
}

Tensor *Net::GetTensor(const std::string &name) {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : it->second.get();
}

MaceStatus Net::Run(RunMetadata *metadata) {
  DeviceMemory *device = options_.device_memory;
  OpContext ctx{pool_, device};
  if (metadata) metadata->op_stats.clear();
  if (device) {
    device->BeginRun();
    for (const auto &in : graph_.inputs) device->HostWritten(tensors_[in.name].get());
  }
  for (auto &slot : ops_) {
    if (slot.absorbed) continue;
    int64_t start = metadata ? NowMicros() : 0;
    if (slot.gpu != nullptr) {
      // The GPU kernel where it takes this run's case, else the CPU kernel (recorded).
      std::string why;
      slot.on_gpu = slot.cpu == nullptr || slot.gpu->Supports(&ctx, &why);
      slot.cpu_reason = slot.on_gpu ? std::string() : why;
    }
    Operation *op = slot.op();
    const bool host_op = device != nullptr && !slot.on_gpu;
    if (host_op) {
      for (int i = 0; i < op->InputSize(); ++i)
        if (op->Input(i) != nullptr) MACE_RETURN_IF_ERROR(device->Sync(const_cast<Tensor *>(op->Input(i))));
    }
    MaceStatus s = op->Run(&ctx);
    if (!s.ok()) {
      const std::string &info = s.information();
      return MaceStatus(s.code(), info.rfind("op ", 0) == 0 ? info : op->Where() + info);
    }
    if (host_op) {
      for (int i = 0; i < op->OutputSize(); ++i)
        if (op->Output(i) != nullptr) device->HostWritten(op->Output(i));
    }
    if (metadata) {
      if (device && slot.on_gpu) MACE_RETURN_IF_ERROR(device->Wait());  // time the op, not its enqueue
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
  if (device) {
    for (const auto &out : graph_.outputs) MACE_RETURN_IF_ERROR(device->Sync(tensors_[out.name].get()));
  }
  ran_ = true;
  return MaceStatus::MACE_SUCCESS;
}

std::string Net::Placement() const {
  auto ops = [](size_t n) { return std::to_string(n) + (n == 1 ? " op" : " ops"); };
  if (options_.device_memory == nullptr) {
    size_t fused = 0;
    for (const auto &slot : ops_) fused += slot.absorbed ? 1 : 0;
    return "CPU: " + ops(ops_.size()) +
           (fused ? ", " + std::to_string(fused) + " run by the next op" : "");
  }
  // Distinct entries in order of first appearance, with a count where one repeats.
  using Entries = std::vector<std::pair<std::string, size_t>>;
  auto add = [](Entries *e, const std::string &what) {
    for (auto &kv : *e)
      if (kv.first == what) {
        ++kv.second;
        return;
      }
    e->emplace_back(what, 1);
  };
  auto list = [](const Entries &e) {
    std::string r;
    for (const auto &kv : e)
      r += (r.empty() ? "" : ", ") + kv.first + (kv.second > 1 ? " x" + std::to_string(kv.second) : "");
    return r;
  };
  Entries gpu, cpu;
  size_t n_gpu = 0, n_cpu = 0;
  for (const auto &slot : ops_) {
    if (slot.on_gpu) {
      ++n_gpu;
      add(&gpu, slot.gpu->type());
    } else {
      ++n_cpu;
      add(&cpu, slot.cpu->type() + ": " + slot.cpu_reason);
    }
  }
  std::string r = "GPU: " + ops(n_gpu);
  if (n_gpu) r += " (" + list(gpu) + ")";
  r += "; CPU fallback: " + ops(n_cpu);
  if (n_cpu) r += " (" + list(cpu) + ")";
  if (ran_) r += "; " + options_.device_memory->TransferSummary();
  return r;
}

}  // namespace mace
