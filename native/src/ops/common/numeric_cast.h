// Defined conversions between element types for Cast and mixed-type arithmetic (Pow with an
// integer base and a float exponent). C++ leaves float→int undefined out of range; these
// follow what x86 hardware (and so onnxruntime and numpy there) produce instead: truncation
// toward zero; NaN or out-of-range values give the type's minimum for int32/int64, and
// 8-bit types take the low byte of the int32 conversion.
#ifndef MACE_OPS_COMMON_NUMERIC_CAST_H_
#define MACE_OPS_COMMON_NUMERIC_CAST_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace mace {

template <typename I>
inline I FloatToInt(double v) {
  static_assert(std::is_integral<I>::value, "integer target");
  if (sizeof(I) >= 4) {
    // Valid range: [min, max] after truncation; 2^(bits-1) itself is out of range.
    constexpr double kLimit = static_cast<double>(std::numeric_limits<I>::max()) + 1.0;
    if (!(v > -kLimit - 1.0 && v < kLimit)) return std::numeric_limits<I>::min();
    return static_cast<I>(std::trunc(v));
  }
  int32_t wide = FloatToInt<int32_t>(v);
  return static_cast<I>(static_cast<uint32_t>(wide) & 0xFFu);
}

// Wrapping integer arithmetic (two's complement), free of signed-overflow UB.
template <typename I>
inline I WrapAdd(I a, I b) {
  using U = typename std::make_unsigned<I>::type;
  return static_cast<I>(static_cast<U>(a) + static_cast<U>(b));
}
template <typename I>
inline I WrapSub(I a, I b) {
  using U = typename std::make_unsigned<I>::type;
  return static_cast<I>(static_cast<U>(a) - static_cast<U>(b));
}
template <typename I>
inline I WrapMul(I a, I b) {
  using U = typename std::make_unsigned<I>::type;
  return static_cast<I>(static_cast<U>(a) * static_cast<U>(b));
}
template <typename I>
inline I WrapNeg(I a) {
  using U = typename std::make_unsigned<I>::type;
  return static_cast<I>(U(0) - static_cast<U>(a));
}

}  // namespace mace

#endif  // MACE_OPS_COMMON_NUMERIC_CAST_H_
