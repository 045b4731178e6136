#include "opencl/kernel_cache.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace mace {
namespace opencl {

namespace {

// File layout (little-endian): magic (8 bytes), then length-prefixed strings: the four
// fingerprint fields, then a u32 entry count and per entry a key string and a value string.
constexpr char kBinariesMagic[8] = {'M', 'A', 'C', 'E', 'C', 'L', 'B', '1'};
constexpr char kTuningMagic[8] = {'M', 'A', 'C', 'E', 'C', 'L', 'T', '1'};
constexpr uint64_t kMaxString = uint64_t{1} << 30;

void PutU64(std::string *out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutString(std::string *out, const std::string &s) {
  PutU64(out, s.size());
  out->append(s);
}

class Reader {
 public:
  explicit Reader(const std::string &bytes) : bytes_(bytes) {}
  bool U64(uint64_t *v) {
    if (bytes_.size() - pos_ < 8) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) *v |= uint64_t(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return true;
  }
  bool String(std::string *s) {
    uint64_t n = 0;
    if (!U64(&n) || n > kMaxString || bytes_.size() - pos_ < n) return false;
    s->assign(bytes_, pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  const std::string &bytes_;
  size_t pos_ = 0;
};

bool ReadFile(const std::string &path, std::string *bytes, std::string *why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = "cannot open " + path;
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *bytes = ss.str();
  return true;
}

bool ReadEntries(const std::string &path, const char (&magic)[8], const DeviceFingerprint &device,
                 std::map<std::string, std::string> *entries, std::string *why) {
  std::string bytes;
  if (!ReadFile(path, &bytes, why)) return false;
  if (bytes.size() < 8 || bytes.compare(0, 8, std::string(magic, 8)) != 0) {
    *why = path + " is not a MACE OpenCL " + (magic[6] == 'B' ? "binary" : "tuning") + " file";
    return false;
  }
  std::string body = bytes.substr(8);
  Reader r(body);
  DeviceFingerprint made;
  uint64_t count = 0;
  if (!r.String(&made.platform) || !r.String(&made.device) || !r.String(&made.driver) || !r.String(&made.runtime) ||
      !r.U64(&count)) {
    *why = path + " is truncated";
    return false;
  }
  if (made != device) {
    *why = path + " was made for " + made.Describe() + "; this is " + device.Describe();
    return false;
  }
  std::map<std::string, std::string> read;
  for (uint64_t i = 0; i < count; ++i) {
    std::string key, value;
    if (!r.String(&key) || !r.String(&value)) {
      *why = path + " is truncated";
      return false;
    }
    read[key] = value;
  }
  if (!r.done()) {
    *why = path + " has trailing bytes";
    return false;
  }
  *entries = std::move(read);
  return true;
}

MaceStatus WriteEntries(const std::string &path, const char (&magic)[8], const DeviceFingerprint &device,
                        const std::map<std::string, std::string> &entries) {
  std::string bytes(magic, 8);
  PutString(&bytes, device.platform);
  PutString(&bytes, device.device);
  PutString(&bytes, device.driver);
  PutString(&bytes, device.runtime);
  PutU64(&bytes, entries.size());
  for (const auto &kv : entries) {
    PutString(&bytes, kv.first);
    PutString(&bytes, kv.second);
  }
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return RuntimeError("cannot write ", tmp);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) return RuntimeError("cannot write ", tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return RuntimeError("cannot rename ", tmp, " to ", path);
  }
  return MaceStatus();
}

}  // namespace

std::string DeviceFingerprint::Describe() const {
  return "device " + device + " (" + platform + "), driver " + driver + ", runtime " + runtime;
}

bool ReadProgramBinaries(const std::string &path, const DeviceFingerprint &device, ProgramBinaries *out,
                         std::string *why) {
  return ReadEntries(path, kBinariesMagic, device, out, why);
}

MaceStatus WriteProgramBinaries(const std::string &path, const DeviceFingerprint &device,
                                const ProgramBinaries &binaries) {
  return WriteEntries(path, kBinariesMagic, device, binaries);
}

bool ReadTuningTable(const std::string &path, const DeviceFingerprint &device, TuningTable *out, std::string *why) {
  std::map<std::string, std::string> entries;
  if (!ReadEntries(path, kTuningMagic, device, &entries, why)) return false;
  TuningTable table;
  for (const auto &kv : entries) {
    // Value: "<chunks> <lws0> [<lws1> [<lws2>]]"
    std::istringstream in(kv.second);
    TunedLaunch t;
    size_t v = 0;
    if (!(in >> t.chunks) || t.chunks < 1) {
      *why = path + ": bad entry " + kv.first;
      return false;
    }
    while (in >> v) t.lws.push_back(v);
    if (t.lws.size() > 3) {
      *why = path + ": bad entry " + kv.first;
      return false;
    }
    table[kv.first] = t;
  }
  *out = std::move(table);
  return true;
}

MaceStatus WriteTuningTable(const std::string &path, const DeviceFingerprint &device, const TuningTable &table) {
  std::map<std::string, std::string> entries;
  for (const auto &kv : table) {
    std::string v = std::to_string(kv.second.chunks);
    for (size_t l : kv.second.lws) v += " " + std::to_string(l);
    entries[kv.first] = v;
  }
  return WriteEntries(path, kTuningMagic, device, entries);
}

}  // namespace opencl
}  // namespace mace
