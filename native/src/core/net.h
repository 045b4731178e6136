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

class Net {
 public:
  // The weights (`data`) must outlive the Net.
  static MaceStatus Create(const ModelGraph &graph, const uint8_t *data, ThreadPool *pool,
                           std::unique_ptr<Net> *net);

  Tensor *GetTensor(const std::string &name);
  const ModelGraph &graph() const { return graph_; }
  MaceStatus Run(RunMetadata *metadata);

 private:
  Net(const ModelGraph &graph, ThreadPool *pool) : graph_(graph), pool_(pool) {}

  ModelGraph graph_;
  ThreadPool *pool_;
  std::map<std::string, std::unique_ptr<Tensor>> tensors_;
  std::vector<std::unique_ptr<Operation>> ops_;
};

}  // namespace mace

#endif  // MACE_CORE_NET_H_
