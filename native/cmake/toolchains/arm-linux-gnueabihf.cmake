# Cross toolchain for 32-bit ARM (ABIs armeabi-v7a and armhf) with Debian's
# g++-arm-linux-gnueabihf: ARMv7-A, NEON, hard-float calling convention. Executables are
# linked statically so they run on Android and under qemu-user without a target sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7-a)
set(MACE_TARGET_TRIPLE arm-linux-gnueabihf)

set(CMAKE_C_COMPILER ${MACE_TARGET_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${MACE_TARGET_TRIPLE}-g++)
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfpu=neon -mfloat-abi=hard")
set(CMAKE_CXX_FLAGS_INIT "-march=armv7-a -mfpu=neon -mfloat-abi=hard")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# Search programs (flatc) on the host, libraries and headers for the target only.
set(CMAKE_FIND_ROOT_PATH /usr/${MACE_TARGET_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest and gtest_discover_tests run target binaries through qemu-user; -cpu picks a
# core so instructions that core lacks trap (override with -DMACE_QEMU_CPU=...).
set(MACE_QEMU_CPU cortex-a15 CACHE STRING "qemu-user CPU model for running tests")
find_program(MACE_QEMU qemu-arm-static qemu-arm)
if(MACE_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${MACE_QEMU} -cpu ${MACE_QEMU_CPU})
endif()
