// The executor: builds the ops of a loaded graph, wires their tensors (constants borrowed
// from the .data bytes, intermediates in shared memory blocks) and runs them in order.
#ifndef MACE_CORE_NET_H_
#define MACE_CORE_NET_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/op.h"
#include "core/thread_pool.h"

namespace mace {

// Where the ops run. Without `device_memory` every op runs its CPU kernel (the model's
// device). With it (DeviceType::GPU), an op runs its GPU kernel when one is registered and
// accepts the op's case (Operation::Supports), else its CPU kernel, with its inputs made current
// on the host first; Placement() reports which and the transfers that took.
struct NetOptions {
  DeviceMemory *device_memory = nullptr;
};

class Net {
 public:
  // The weights (`data`) must outlive the Net.
  static MaceStatus Create(const ModelGraph &graph, const uint8_t *data, ThreadPool *pool,
                           std::unique_ptr<Net> *net, const NetOptions &options = NetOptions());

  Tensor *GetTensor(const std::string &name);
  const ModelGraph &graph() const { return graph_; }
  MaceStatus Run(RunMetadata *metadata);

  // Which device ran each op: "CPU: 12 ops" on a CPU engine ("CPU: 12 ops, 2 run by the next
  // op" where ops absorbed the op before them); on a GPU engine
  // "GPU: 3 ops (Add, Relu); CPU fallback: 2 ops (Conv: no GPU kernel, ...)". After a Run it
  // is where that run's ops ran (a GPU op whose case its kernel does not take, e.g.
  // broadcasting shapes, runs on the CPU), with the transfers between host and GPU that run
  // took; before the first Run it is the plan.
  std::string Placement() const;

 private:
  // One op of the graph: its CPU kernel, and on a GPU engine its GPU kernel where one exists.
  struct Slot {
    std::unique_ptr<Operation> cpu, gpu;
    bool on_gpu = false;        // where it ran last (or is planned to run)
    std::string cpu_reason;     // why not on the GPU (GPU engines)
    bool absorbed = false;      // run by the next op (Operation::Absorb)
    Operation *op() const { return on_gpu ? gpu.get() : cpu.get(); }
  };

  Net(const ModelGraph &graph, ThreadPool *pool, const NetOptions &options)
      : graph_(graph), pool_(pool), options_(options) {}

  // CPU engines: lets each op absorb the op before it where Operation::Absorb accepts.
  void AbsorbProducers();

  ModelGraph graph_;
  ThreadPool *pool_;
  NetOptions options_;
  std::map<std::string, std::unique_ptr<Tensor>> tensors_;
  std::vector<Slot> ops_;
  bool ran_ = false;  // the placement reports transfers once a run has happened
};

}  // namespace mace

#endif  // MACE_CORE_NET_H_
