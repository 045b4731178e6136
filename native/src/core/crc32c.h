// CRC-32C (Castagnoli), the integrity check of .mace and .data files.
#ifndef MACE_CORE_CRC32C_H_
#define MACE_CORE_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace mace {

uint32_t Crc32c(const void *data, size_t size, uint32_t crc = 0);

}  // namespace mace

#endif  // MACE_CORE_CRC32C_H_
