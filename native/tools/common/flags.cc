#include "common/flags.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace mace {
namespace tools {

Flags::Flags(std::string program, std::string summary, std::vector<FlagSpec> specs)
    : program_(std::move(program)), summary_(std::move(summary)), specs_(std::move(specs)) {
  for (const auto &s : specs_) values_[s.name] = s.default_value;
}

bool Flags::Parse(int argc, char **argv, int *exit_code) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s", Help().c_str());
      *exit_code = 0;
      return false;
    }
    if (arg.rfind("--", 0) != 0) {
      std::fprintf(stderr, "%s: unexpected argument '%s'\n%s", program_.c_str(), arg.c_str(), Help().c_str());
      *exit_code = 2;
      return false;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (values_.count(name) && (values_[name] == "false" || values_[name] == "true")) {
      value = "true";  // boolean flag given alone
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      std::fprintf(stderr, "%s: flag --%s needs a value\n", program_.c_str(), name.c_str());
      *exit_code = 2;
      return false;
    }
    if (!values_.count(name)) {
      std::fprintf(stderr, "%s: unknown flag --%s (see --help)\n", program_.c_str(), name.c_str());
      *exit_code = 2;
      return false;
    }
    values_[name] = value;
  }
  return true;
}

const std::string &Flags::Get(const std::string &name) const { return values_.at(name); }

int Flags::GetInt(const std::string &name) const {
  const std::string &v = Get(name);
  char *end = nullptr;
  long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0') {
    std::fprintf(stderr, "%s: --%s expects an integer, got '%s'\n", program_.c_str(), name.c_str(), v.c_str());
    std::exit(2);
  }
  return static_cast<int>(x);
}

bool Flags::GetBool(const std::string &name) const {
  const std::string &v = Get(name);
  return v == "true" || v == "1" || v == "yes";
}

std::string Flags::Help() const {
  std::ostringstream os;
  os << "Usage: " << program_ << " [flags]\n" << summary_ << "\n\nFlags:\n";
  for (const auto &s : specs_) {
    os << "  --" << s.name;
    if (!s.default_value.empty()) os << " (default: " << s.default_value << ")";
    os << "\n      " << s.help << "\n";
  }
  return os.str();
}

std::vector<std::string> Split(const std::string &s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool ParseShape(const std::string &s, std::vector<int64_t> *shape) {
  shape->clear();
  if (s.empty()) return true;  // a scalar
  for (const auto &part : Split(s, ',')) {
    char *end = nullptr;
    long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v < 0) return false;
    shape->push_back(v);
  }
  return true;
}

std::string FileNameOf(const std::string &tensor_name) {
  std::string out = tensor_name;
  for (char &c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) c = '_';
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

}  // namespace tools
}  // namespace mace
