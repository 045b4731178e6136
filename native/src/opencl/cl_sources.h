// The kernel sources of native/src/opencl/cl/*.cl, embedded by the build (embed_cl.cmake
// generates the definitions), so a deployed runtime needs no files beside the library.
#ifndef MACE_OPENCL_CL_SOURCES_H_
#define MACE_OPENCL_CL_SOURCES_H_

#include <string>
#include <vector>

namespace mace {
namespace opencl {

// The source of cl/<name>.cl; nullptr when no such file was embedded.
const char *EmbeddedCLSource(const std::string &name);
// Every embedded name, sorted.
std::vector<std::string> EmbeddedCLSourceNames();

}  // namespace opencl
}  // namespace mace

#endif  // MACE_OPENCL_CL_SOURCES_H_
