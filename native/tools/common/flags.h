// Command-line flags for the device tools, MACE style: --name=value or --name value.
#ifndef MACE_TOOLS_FLAGS_H_
#define MACE_TOOLS_FLAGS_H_

#include <map>
#include <string>
#include <vector>

namespace mace {
namespace tools {

struct FlagSpec {
  std::string name;
  std::string default_value;
  std::string help;
};

class Flags {
 public:
  Flags(std::string program, std::string summary, std::vector<FlagSpec> specs);
  // Returns false (after printing why, or the help text) when the program should exit;
  // *exit_code tells with what.
  bool Parse(int argc, char **argv, int *exit_code);
  const std::string &Get(const std::string &name) const;
  int GetInt(const std::string &name) const;
  bool GetBool(const std::string &name) const;
  std::string Help() const;

 private:
  std::string program_, summary_;
  std::vector<FlagSpec> specs_;
  std::map<std::string, std::string> values_;
};

std::vector<std::string> Split(const std::string &s, char sep);
// "1,224,224,3" -> {1,224,224,3}; false on a malformed list.
bool ParseShape(const std::string &s, std::vector<int64_t> *shape);
// Replaces characters that are unsafe in file names (MACE convention: '/', ':' ... -> '_').
std::string FileNameOf(const std::string &tensor_name);

}  // namespace tools
}  // namespace mace

#endif  // MACE_TOOLS_FLAGS_H_
