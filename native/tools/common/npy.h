// Reading and writing NumPy .npy files (format 1.0/2.0, little-endian, C order) for tool
// inputs and outputs; raw little-endian float files are accepted too, as MACE's tools use.
#ifndef MACE_TOOLS_NPY_H_
#define MACE_TOOLS_NPY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace mace {
namespace tools {

struct NpyArray {
  std::string dtype;  // "float32", "int64", "int32", "uint8", "bool", "float64"
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

// On failure returns false and sets *error to a message naming the file.
bool ReadNpy(const std::string &path, NpyArray *out, std::string *error);
bool WriteNpy(const std::string &path, const NpyArray &array, std::string *error);
// Converts any numeric dtype to float32 values.
bool NpyToFloats(const NpyArray &a, std::vector<float> *out, std::string *error);
bool NpyToInt64(const NpyArray &a, std::vector<int64_t> *out, std::string *error);

}  // namespace tools
}  // namespace mace

#endif  // MACE_TOOLS_NPY_H_
