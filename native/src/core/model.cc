#include "core/model.h"

#include <cstring>
#include <set>

#include "core/crc32c.h"
#include "mace_generated.h"

namespace mace {

namespace {

constexpr char kTrailerMagic[4] = {'M', 'C', 'R', 'C'};

MaceStatus CheckDims(const flatbuffers::Vector<int64_t> *v, bool allow_unknown, const std::string &what,
                     Shape *out) {
  out->clear();
  if (v == nullptr) return MaceStatus::MACE_SUCCESS;
  if (v->size() > 16) return InvalidArgs(what, " has rank ", v->size(), " (at most 16 supported)");
  for (int64_t d : *v) {
    if (d < 0 && !(allow_unknown && d == -1)) return InvalidArgs(what, " has invalid dimension ", d);
    out->push_back(d);
  }
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus CheckDataType(int8_t raw, const std::string &what, DataType *out) {
  if (raw <= 0 || raw > static_cast<int8_t>(DataType::DT_INT8))
    return InvalidArgs(what, " has invalid data type ", static_cast<int>(raw));
  *out = static_cast<DataType>(raw);
  return MaceStatus::MACE_SUCCESS;
}

std::string Str(const flatbuffers::String *s) { return s ? s->str() : std::string(); }

}  // namespace

namespace {

// Bytes of output i of op k as the converter declared it; 0 when a dimension is unknown.
uint64_t DeclaredBytes(const ModelGraph &g, size_t k, size_t i) {
  if (i >= g.out_shapes[k].size() || g.out_shapes[k][i].empty()) return 0;
  uint64_t n = DataTypeSize(g.ops[k].output_types[i]);
  for (int64_t d : g.out_shapes[k][i]) {
    if (d < 0 || (d > 0 && n > (uint64_t{1} << 40) / static_cast<uint64_t>(d))) return 0;
    n *= static_cast<uint64_t>(d);
  }
  return n;
}

// A tensor's place in its memory block while it is alive.
struct Placed {
  std::string name;
  size_t last_use;
  uint64_t begin, end;  // byte range; end = UINT64_MAX when the size is unknown
};

// Two tensors whose byte ranges in one block overlap must never be alive at once, except the
// inputs of an in-place Concat, which lie inside its output exactly where the concatenation puts
// them: its axis has only 1s before it, and input j starts after the bytes of inputs 0..j-1. The
// Concat kernel then copies nothing for them (ops/concat.cc checks the addresses itself too).
// Whether `o` (alive in the same block) is an input of op k, a Concat whose output i is `t`, at
// exactly the bytes the concatenation gives it; records it in g->in_place.
bool InPlaceConcatInput(ModelGraph &g, size_t k, size_t i, const Placed &t, const Placed &o,
                        const std::map<std::string, std::pair<size_t, size_t>> &where) {
  const OpDef &op = g.ops[k];
  if (op.type != "Concat" || i != 0 || t.end == UINT64_MAX || g.out_shapes[k].empty()) return false;
  auto axis_arg = op.args.find("axis");
  const Shape &shape = g.out_shapes[k][0];
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (axis_arg == op.args.end() || rank == 0) return false;
  const int64_t axis = axis_arg->second.i < 0 ? axis_arg->second.i + rank : axis_arg->second.i;
  if (axis < 0 || axis >= rank) return false;
  for (int64_t d = 0; d < axis; ++d)
    if (shape[d] != 1) return false;
  uint64_t offset = t.begin;
  for (const std::string &in : op.inputs) {
    auto w = where.find(in);
    const uint64_t bytes = w == where.end() ? 0 : DeclaredBytes(g, w->second.first, w->second.second);
    if (bytes == 0) return false;
    if (in == o.name) {
      if (o.begin != offset || o.end != offset + bytes || o.end > t.end) return false;
      g.in_place.insert(in);
      return true;
    }
    offset += bytes;
  }
  return false;
}

MaceStatus CheckMemoryPlan(ModelGraph *g) {
  std::map<std::string, size_t> last_use;
  for (size_t k = 0; k < g->ops.size(); ++k)
    for (const auto &in : g->ops[k].inputs) last_use[in] = k;
  std::set<std::string> outputs;
  for (const auto &o : g->outputs) outputs.insert(o.name);
  std::map<std::string, std::pair<size_t, size_t>> where;  // tensor -> (op, output index)
  std::map<int, std::vector<Placed>> live;                  // block -> tensors placed in it
  for (size_t k = 0; k < g->ops.size(); ++k) {
    const OpDef &op = g->ops[k];
    for (size_t i = 0; i < op.outputs.size(); ++i) {
      int id = g->mem_ids[k][i];
      const std::string &name = op.outputs[i];
      where[name] = {k, i};
      if (id < 0) continue;
      if (outputs.count(name)) {  // graph outputs must survive to the end: give them their own memory
        g->mem_ids[k][i] = -1;
        g->mem_offsets[k][i] = 0;
        continue;
      }
      const uint64_t offset = g->mem_offsets[k][i], bytes = DeclaredBytes(*g, k, i);
      if (offset != 0 && (bytes == 0 || offset % kTensorAlignment != 0 || offset > g->mem_blocks[id] ||
                          bytes > g->mem_blocks[id] - offset))
        return InvalidArgs("op '", op.name, "' places '", name, "' at byte ", offset, " of memory block ", id,
                           " (", g->mem_blocks[id], " bytes), which does not hold it or is not ", kTensorAlignment,
                           "-byte aligned: the model's memory plan is invalid");
      Placed t{name, last_use.count(name) ? last_use[name] : k, offset, bytes ? offset + bytes : UINT64_MAX};
      std::vector<Placed> &tenants = live[id];
      std::vector<Placed> kept;
      for (const Placed &o : tenants) {
        if (o.last_use < k) continue;  // dead: its bytes are free
        if (o.begin < t.end && t.begin < o.end && !InPlaceConcatInput(*g, k, i, t, o, where))
          return InvalidArgs("memory block ", id, " is shared by '", o.name, "' and '", name,
                             "' while both are alive: the model's memory plan is invalid");
        kept.push_back(o);
      }
      kept.push_back(t);
      tenants.swap(kept);
    }
  }
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace

MaceStatus LoadModelGraph(const uint8_t *graph, size_t graph_size, const uint8_t *data,
                          size_t data_size, ModelGraph *out) {
  // Integrity first: the trailer holds the CRC-32C of the FlatBuffer bytes.
  if (graph == nullptr || graph_size < 16)
    return InvalidArgs("model graph is empty or truncated (", graph_size, " bytes)");
  const uint8_t *trailer = graph + graph_size - 8;
  if (std::memcmp(trailer + 4, kTrailerMagic, 4) != 0)
    return InvalidArgs("model graph has no integrity trailer: the file is truncated or not a .mace file");
  uint32_t stored_crc;
  std::memcpy(&stored_crc, trailer, 4);
  const size_t fb_size = graph_size - 8;
  if (Crc32c(graph, fb_size) != stored_crc)
    return InvalidArgs("model graph checksum mismatch: the .mace file is corrupt; convert the model again");
  if (!schema::NetDefBufferHasIdentifier(graph))
    return InvalidArgs("model graph lacks the MACE file identifier");
  flatbuffers::Verifier verifier(graph, fb_size, 64, 1000000);
  if (!schema::VerifyNetDefBuffer(verifier))
    return InvalidArgs("model graph failed FlatBuffers verification: the .mace file is corrupt");
  const schema::NetDef *net = schema::GetNetDef(graph);
  if (net->version() < kOldestModelFormatVersion || net->version() > kModelFormatVersion)
    return Unsupported("model format version ", net->version(), " is not supported by this runtime (reads ",
                       kOldestModelFormatVersion, " to ", kModelFormatVersion,
                       "); convert the model with a matching converter");

  // Weights: size and checksum of the whole .data file.
  if (net->data_size() != data_size)
    return InvalidArgs("model data has ", data_size, " bytes but the graph expects ", net->data_size(),
                       ": the .data file is truncated or belongs to another model");
  if (data_size > 0 && Crc32c(data, data_size) != net->data_crc32c())
    return InvalidArgs("model data checksum mismatch: the .data file is corrupt; convert the model again");

  ModelGraph g;
  g.name = Str(net->name());
  switch (net->gpu_data_type()) {
    case schema::DataType_DT_FLOAT: g.gpu_data_type = DataType::DT_FLOAT; break;
    case schema::DataType_DT_HALF: g.gpu_data_type = DataType::DT_HALF; break;
    default:
      return InvalidArgs("gpu_data_type ", int(net->gpu_data_type()),
                         " is not DT_FLOAT or DT_HALF: the model was written by a newer converter");
  }
  std::set<std::string> defined;  // every tensor name visible so far

  if (net->mem_blocks()) {
    for (const auto *b : *net->mem_blocks()) {
      if (b->mem_id() < 0) return InvalidArgs("memory block with negative id ", b->mem_id());
      if (!g.mem_blocks.emplace(b->mem_id(), b->size()).second)
        return InvalidArgs("memory block id ", b->mem_id(), " declared twice");
      if (b->size() > (uint64_t{1} << 40)) return InvalidArgs("memory block ", b->mem_id(), " is too large");
    }
  }

  if (net->tensors()) {
    for (const auto *t : *net->tensors()) {
      ConstTensorInfo info;
      info.name = t->name()->str();
      std::string what = "constant tensor '" + info.name + "'";
      MACE_RETURN_IF_ERROR(CheckDataType(static_cast<int8_t>(t->data_type()), what, &info.dtype));
      MACE_RETURN_IF_ERROR(CheckDims(t->dims(), false, what, &info.dims));
      int64_t count = 0;
      MACE_RETURN_IF_ERROR(ElementCount(info.dims, &count));
      info.offset = t->offset();
      info.size = t->size();
      if (info.size != static_cast<uint64_t>(count) * DataTypeSize(info.dtype))
        return InvalidArgs(what, " declares ", info.size, " bytes but its shape ", ShapeToString(info.dims),
                           " needs ", count * DataTypeSize(info.dtype));
      if (info.offset % kTensorAlignment != 0)
        return InvalidArgs(what, " offset ", info.offset, " is not 64-byte aligned");
      if (info.offset > data_size || info.size > data_size - info.offset)
        return InvalidArgs(what, " lies outside the .data file (offset ", info.offset, ", size ", info.size,
                           ", file ", data_size, " bytes)");
      if (!defined.insert(info.name).second) return InvalidArgs("tensor name '", info.name, "' is defined twice");
      g.tensors.push_back(std::move(info));
    }
  }

  auto read_io = [&](const flatbuffers::Vector<flatbuffers::Offset<schema::InputOutputInfo>> *v,
                     const char *kind, std::vector<IoInfo> *dst) -> MaceStatus {
    if (v == nullptr || v->size() == 0) return InvalidArgs("model declares no ", kind, "s");
    for (const auto *io : *v) {
      IoInfo info;
      info.name = io->name()->str();
      std::string what = std::string(kind) + " '" + info.name + "'";
      MACE_RETURN_IF_ERROR(CheckDataType(static_cast<int8_t>(io->data_type()), what, &info.dtype));
      MACE_RETURN_IF_ERROR(CheckDims(io->dims(), true, what, &info.dims));
      int f = static_cast<int>(io->data_format());
      if (f < 0 || f > 3) return InvalidArgs(what, " has invalid data format ", f);
      // Schema order is NONE, NCHW, NHWC, OIHW; the public enum is NONE, NHWC, NCHW, OIHW.
      static const DataFormat kMap[] = {DataFormat::NONE, DataFormat::NCHW, DataFormat::NHWC, DataFormat::OIHW};
      info.format = kMap[f];
      dst->push_back(std::move(info));
    }
    return MaceStatus::MACE_SUCCESS;
  };
  MACE_RETURN_IF_ERROR(read_io(net->input_info(), "input", &g.inputs));
  MACE_RETURN_IF_ERROR(read_io(net->output_info(), "output", &g.outputs));
  for (const auto &in : g.inputs)
    if (!defined.insert(in.name).second) return InvalidArgs("input '", in.name, "' clashes with another tensor");

  // Operators: names resolve to earlier definitions (topological order), outputs are new.
  const auto *ops = net->ops();
  size_t op_count = ops ? ops->size() : 0;
  for (size_t k = 0; k < op_count; ++k) {
    const schema::Operator *op = ops->Get(static_cast<flatbuffers::uoffset_t>(k));
    OpDef def;
    def.name = op->name()->str();
    def.type = op->type()->str();
    def.device = static_cast<int>(op->device_type());
    std::string what = "op " + def.type + " '" + def.name + "'";
    if (def.device < 0 || def.device > 1) return InvalidArgs(what, " has invalid device ", def.device);
    if (op->inputs())
      for (const auto *s : *op->inputs()) {
        std::string name = Str(s);
        if (!name.empty() && !defined.count(name))
          return InvalidArgs(what, " reads '", name, "', which no earlier op, input or constant defines");
        def.inputs.push_back(name);
      }
    if (!op->outputs() || op->outputs()->size() == 0) return InvalidArgs(what, " has no outputs");
    for (const auto *s : *op->outputs()) {
      std::string name = Str(s);
      if (name.empty()) return InvalidArgs(what, " has an unnamed output");
      if (!defined.insert(name).second) return InvalidArgs(what, " redefines tensor '", name, "'");
      def.outputs.push_back(name);
    }
    const size_t nout = def.outputs.size();
    if (op->output_types() && op->output_types()->size() != 0) {
      if (op->output_types()->size() != nout) return InvalidArgs(what, " has ", op->output_types()->size(), " output types for ", nout, " outputs");
      for (auto t : *op->output_types()) {
        DataType dt;
        MACE_RETURN_IF_ERROR(CheckDataType(static_cast<int8_t>(t), what, &dt));
        def.output_types.push_back(dt);
      }
    } else {
      def.output_types.assign(nout, DataType::DT_FLOAT);
    }
    std::vector<int> mem(nout, -1);
    if (op->mem_ids() && op->mem_ids()->size() != 0) {
      if (op->mem_ids()->size() != nout) return InvalidArgs(what, " has ", op->mem_ids()->size(), " memory ids for ", nout, " outputs");
      for (size_t i = 0; i < nout; ++i) {
        int id = op->mem_ids()->Get(static_cast<flatbuffers::uoffset_t>(i));
        if (id != -1 && !g.mem_blocks.count(id)) return InvalidArgs(what, " uses undeclared memory block ", id);
        mem[i] = id;
      }
    }
    std::vector<uint64_t> offsets(nout, 0);
    if (op->mem_offsets() && op->mem_offsets()->size() != 0) {
      if (op->mem_offsets()->size() != nout)
        return InvalidArgs(what, " has ", op->mem_offsets()->size(), " memory offsets for ", nout, " outputs");
      for (size_t i = 0; i < nout; ++i) offsets[i] = op->mem_offsets()->Get(static_cast<flatbuffers::uoffset_t>(i));
    }
    std::vector<Shape> shapes;
    if (op->output_shapes())
      for (const auto *s : *op->output_shapes()) {
        Shape dims;
        MACE_RETURN_IF_ERROR(CheckDims(s->dims(), true, what + " output shape", &dims));
        shapes.push_back(dims);
      }
    if (op->args())
      for (const auto *a : *op->args()) {
        OpArg arg;
        arg.has_f = a->has_f();
        arg.has_i = a->has_i();
        arg.f = a->f();
        arg.i = a->i();
        arg.has_s = a->s() != nullptr;
        arg.s = Str(a->s());
        if (a->floats()) arg.floats.assign(a->floats()->begin(), a->floats()->end());
        if (a->ints()) arg.ints.assign(a->ints()->begin(), a->ints()->end());
        if (a->strings())
          for (const auto *s : *a->strings()) arg.strings.push_back(Str(s));
        def.args[a->name()->str()] = std::move(arg);
      }
    g.ops.push_back(std::move(def));
    g.mem_ids.push_back(std::move(mem));
    g.mem_offsets.push_back(std::move(offsets));
    g.out_shapes.push_back(std::move(shapes));
  }
  for (const auto &o : g.outputs)
    if (!defined.count(o.name)) return InvalidArgs("output '", o.name, "' is not produced by the graph");

  MACE_RETURN_IF_ERROR(CheckMemoryPlan(&g));
  *out = std::move(g);
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace mace
