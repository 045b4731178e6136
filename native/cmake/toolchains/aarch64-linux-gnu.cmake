# Cross toolchain for 64-bit ARM (ABIs arm64-v8a and aarch64) with Debian's
# g++-aarch64-linux-gnu. Executables are linked statically so they run on Android
# (no bionic needed) and under qemu-user without a target sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(MACE_TARGET_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${MACE_TARGET_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${MACE_TARGET_TRIPLE}-g++)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# Search programs (flatc) on the host, libraries and headers for the target only.
set(CMAKE_FIND_ROOT_PATH /usr/${MACE_TARGET_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest and gtest_discover_tests run target binaries through qemu-user; -cpu picks a
# core so instructions that core lacks trap (override with -DMACE_QEMU_CPU=...).
set(MACE_QEMU_CPU cortex-a53 CACHE STRING "qemu-user CPU model for running tests")
find_program(MACE_QEMU qemu-aarch64-static qemu-aarch64)
if(MACE_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${MACE_QEMU} -cpu ${MACE_QEMU_CPU})
endif()
