#include "common/npy.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace mace {
namespace tools {

namespace {

size_t ItemSize(const std::string &dtype) {
  if (dtype == "float32" || dtype == "int32") return 4;
  if (dtype == "int64" || dtype == "float64") return 8;
  if (dtype == "uint8" || dtype == "bool" || dtype == "int8") return 1;
  return 0;
}

std::string DescrToDtype(const std::string &d) {
  if (d == "<f4") return "float32";
  if (d == "<f8") return "float64";
  if (d == "<i8") return "int64";
  if (d == "<i4") return "int32";
  if (d == "|u1") return "uint8";
  if (d == "|i1") return "int8";
  if (d == "|b1") return "bool";
  return "";
}

std::string DtypeToDescr(const std::string &t) {
  if (t == "float32") return "<f4";
  if (t == "float64") return "<f8";
  if (t == "int64") return "<i8";
  if (t == "int32") return "<i4";
  if (t == "uint8") return "|u1";
  if (t == "int8") return "|i1";
  if (t == "bool") return "|b1";
  return "";
}

// Finds `'key': value` in the header dict and returns value's text.
bool HeaderField(const std::string &h, const std::string &key, std::string *value) {
  size_t k = h.find("'" + key + "'");
  if (k == std::string::npos) return false;
  size_t colon = h.find(':', k);
  if (colon == std::string::npos) return false;
  size_t s = h.find_first_not_of(' ', colon + 1);
  if (s == std::string::npos) return false;
  size_t e;
  if (h[s] == '\'') {
    e = h.find('\'', s + 1);
    if (e == std::string::npos) return false;
    *value = h.substr(s + 1, e - s - 1);
  } else if (h[s] == '(') {
    e = h.find(')', s);
    if (e == std::string::npos) return false;
    *value = h.substr(s + 1, e - s - 1);
  } else {
    e = h.find_first_of(",}", s);
    *value = h.substr(s, e - s);
  }
  return true;
}

}  // namespace

bool ReadNpy(const std::string &path, NpyArray *out, std::string *error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = "cannot open '" + path + "'";
    return false;
  }
  std::vector<uint8_t> all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (all.size() < 10 || std::memcmp(all.data(), "\x93NUMPY", 6) != 0) {
    *error = "'" + path + "' is not a .npy file (bad magic)";
    return false;
  }
  int major = all[6];
  size_t header_len, pos;
  if (major == 1) {
    header_len = all[8] | (all[9] << 8);
    pos = 10;
  } else {
    if (all.size() < 12) {
      *error = "'" + path + "' is truncated";
      return false;
    }
    header_len = all[8] | (all[9] << 8) | (all[10] << 16) | (static_cast<size_t>(all[11]) << 24);
    pos = 12;
  }
  if (pos + header_len > all.size()) {
    *error = "'" + path + "' has a truncated header";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(all.data() + pos), header_len);
  std::string descr, order, shape;
  if (!HeaderField(header, "descr", &descr) || !HeaderField(header, "fortran_order", &order) ||
      !HeaderField(header, "shape", &shape)) {
    *error = "'" + path + "' has a malformed header";
    return false;
  }
  out->dtype = DescrToDtype(descr);
  if (out->dtype.empty()) {
    *error = "'" + path + "' has unsupported dtype '" + descr + "'";
    return false;
  }
  if (order.find("True") != std::string::npos) {
    *error = "'" + path + "' is in Fortran order; save it in C order";
    return false;
  }
  out->shape.clear();
  std::stringstream ss(shape);
  std::string part;
  uint64_t count = 1;
  while (std::getline(ss, part, ',')) {
    size_t s = part.find_first_not_of(' ');
    if (s == std::string::npos) continue;
    long long d = std::atoll(part.c_str() + s);
    if (d < 0) {
      *error = "'" + path + "' has a negative dimension";
      return false;
    }
    out->shape.push_back(d);
    count *= static_cast<uint64_t>(d);
  }
  size_t data_pos = pos + header_len;
  uint64_t need = count * ItemSize(out->dtype);
  if (all.size() - data_pos < need) {
    *error = "'" + path + "' holds " + std::to_string(all.size() - data_pos) + " data bytes, its shape needs " +
             std::to_string(need);
    return false;
  }
  out->bytes.assign(all.begin() + data_pos, all.begin() + data_pos + need);
  return true;
}

bool WriteNpy(const std::string &path, const NpyArray &a, std::string *error) {
  std::string descr = DtypeToDescr(a.dtype);
  if (descr.empty()) {
    *error = "cannot write dtype " + a.dtype;
    return false;
  }
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 || i + 1 < a.shape.size() ? "," : "");
  shape += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  size_t pad = (64 - total % 64) % 64;
  header += std::string(pad, ' ') + "\n";
  std::ofstream f(path, std::ios::binary);
  if (!f) {
    *error = "cannot write '" + path + "'";
    return false;
  }
  f.write("\x93NUMPY\x01\x00", 8);
  uint16_t len = static_cast<uint16_t>(header.size());
  f.put(static_cast<char>(len & 0xFF));
  f.put(static_cast<char>(len >> 8));
  f.write(header.data(), static_cast<std::streamsize>(header.size()));
  f.write(reinterpret_cast<const char *>(a.bytes.data()), static_cast<std::streamsize>(a.bytes.size()));
  if (!f) {
    *error = "failed writing '" + path + "'";
    return false;
  }
  return true;
}

bool NpyToFloats(const NpyArray &a, std::vector<float> *out, std::string *error) {
  size_t n = ItemSize(a.dtype) ? a.bytes.size() / ItemSize(a.dtype) : 0;
  out->resize(n);
  const uint8_t *p = a.bytes.data();
  for (size_t i = 0; i < n; ++i) {
    if (a.dtype == "float32") { float v; std::memcpy(&v, p + 4 * i, 4); (*out)[i] = v; }
    else if (a.dtype == "float64") { double v; std::memcpy(&v, p + 8 * i, 8); (*out)[i] = static_cast<float>(v); }
    else if (a.dtype == "int64") { int64_t v; std::memcpy(&v, p + 8 * i, 8); (*out)[i] = static_cast<float>(v); }
    else if (a.dtype == "int32") { int32_t v; std::memcpy(&v, p + 4 * i, 4); (*out)[i] = static_cast<float>(v); }
    else if (a.dtype == "int8") { (*out)[i] = static_cast<int8_t>(p[i]); }
    else { (*out)[i] = p[i]; }
  }
  (void)error;
  return true;
}

bool NpyToInt64(const NpyArray &a, std::vector<int64_t> *out, std::string *error) {
  std::vector<float> f;
  if (a.dtype == "int64") {
    out->resize(a.bytes.size() / 8);
    std::memcpy(out->data(), a.bytes.data(), a.bytes.size());
    return true;
  }
  if (!NpyToFloats(a, &f, error)) return false;
  out->assign(f.begin(), f.end());
  return true;
}

}  // namespace tools
}  // namespace mace
