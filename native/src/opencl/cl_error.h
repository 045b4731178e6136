// OpenCL error codes as names, so a failure reads "clCreateImage: CL_INVALID_IMAGE_SIZE (-40)"
// rather than a bare number.
#ifndef MACE_OPENCL_CL_ERROR_H_
#define MACE_OPENCL_CL_ERROR_H_

#include <string>

#include "core/status.h"
#include "opencl/opencl_library.h"

namespace mace {
namespace opencl {

// "CL_INVALID_VALUE" etc.; "CL_UNKNOWN_ERROR" for codes outside the 1.2-3.0 core set.
const char *CLErrorName(cl_int error);

// MACE_RUNTIME_ERROR (MACE_OUT_OF_RESOURCES for allocation failures) naming the call, the
// error and what was asked for.
MaceStatus CLError(const std::string &call, cl_int error, const std::string &detail = "");

}  // namespace opencl
}  // namespace mace

// Returns the CLError when an OpenCL call (returning cl_int) fails.
#define MACE_CL_RETURN_IF_ERROR(call_name, expr, ...)                          \
  do {                                                                         \
    ::mace::opencl::cl_int _mace_cl_err = (expr);                              \
    if (_mace_cl_err != ::mace::opencl::CL_SUCCESS)                            \
      return ::mace::opencl::CLError(call_name, _mace_cl_err, ##__VA_ARGS__);  \
  } while (0)

#endif  // MACE_OPENCL_CL_ERROR_H_
