// What the GPU runtime keeps between processes: compiled program binaries (compiling costs
// milliseconds to seconds per program on mobile drivers) and tuned launch parameters. Both are
// only valid for the device, driver and kernel sources they were made with, so each file carries
// that fingerprint, and a file made elsewhere is ignored (with a log line), never trusted: a
// driver update then means a rebuild from source and a re-tune, not a crash (MACE #128, #507).
#ifndef MACE_OPENCL_KERNEL_CACHE_H_
#define MACE_OPENCL_KERNEL_CACHE_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace mace {
namespace opencl {

struct DeviceFingerprint {
  std::string platform, device, driver;
  std::string runtime;  // MACE version + hash of the embedded kernel sources
  bool operator==(const DeviceFingerprint &o) const {
    return platform == o.platform && device == o.device && driver == o.driver && runtime == o.runtime;
  }
  bool operator!=(const DeviceFingerprint &o) const { return !(*this == o); }
  // "device NVIDIA H100 80GB HBM3 (NVIDIA CUDA), driver 550.54.15, runtime 0.1.0+cl3f2a91c0"
  std::string Describe() const;
};

// Compiled programs by "<program>|<build options>".
using ProgramBinaries = std::map<std::string, std::string>;

// A tuned launch: the local size (empty: the driver's choice) and into how many parts the last
// global dimension is split (limit_opencl_kernel_time).
struct TunedLaunch {
  std::vector<size_t> lws;
  int chunks = 1;
};
// Tuned launches by "<kernel>:<global size>", e.g. "conv_2d_1x1:32x14x112".
using TuningTable = std::map<std::string, TunedLaunch>;

// Reads a file written by the matching Write*: false and *why (naming both fingerprints when
// they differ, or what is wrong with the file) when it cannot be used on `device`.
bool ReadProgramBinaries(const std::string &path, const DeviceFingerprint &device, ProgramBinaries *out,
                         std::string *why);
bool ReadTuningTable(const std::string &path, const DeviceFingerprint &device, TuningTable *out, std::string *why);
// Writes atomically (a temporary file renamed over `path`).
MaceStatus WriteProgramBinaries(const std::string &path, const DeviceFingerprint &device,
                                const ProgramBinaries &binaries);
MaceStatus WriteTuningTable(const std::string &path, const DeviceFingerprint &device, const TuningTable &table);

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_KERNEL_CACHE_H_
