# Maps a target ABI name to its toolchain file. Usable as a script:
#   cmake -DMACE_ABI=arm64-v8a -P native/cmake/toolchains/abi.cmake   # prints the file, or nothing for host
# ABIs: host and x86_64 (the build machine's compiler), arm64-v8a | aarch64 -> aarch64-linux-gnu,
#       armeabi-v7a | armhf -> arm-linux-gnueabihf.
# With ANDROID_NDK_HOME set, the Android ABIs (arm64-v8a, armeabi-v7a) use the NDK's own
# toolchain file instead (bionic, dynamic executables, API level MACE_ANDROID_PLATFORM).
function(mace_abi_toolchain abi out)
  if(abi STREQUAL "host" OR abi STREQUAL "x86_64" OR abi STREQUAL "")
    set(${out} "" PARENT_SCOPE)
  elseif((abi STREQUAL "arm64-v8a" OR abi STREQUAL "armeabi-v7a") AND DEFINED ENV{ANDROID_NDK_HOME})
    set(${out} "$ENV{ANDROID_NDK_HOME}/build/cmake/android.toolchain.cmake" PARENT_SCOPE)
  elseif(abi STREQUAL "arm64-v8a" OR abi STREQUAL "aarch64")
    set(${out} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/aarch64-linux-gnu.cmake" PARENT_SCOPE)
  elseif(abi STREQUAL "armeabi-v7a" OR abi STREQUAL "armhf")
    set(${out} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/arm-linux-gnueabihf.cmake" PARENT_SCOPE)
  else()
    message(FATAL_ERROR "unknown ABI '${abi}' (host, x86_64, arm64-v8a, aarch64, armeabi-v7a, armhf)")
  endif()
endfunction()

# Before project(): picks the toolchain for MACE_ABI unless CMAKE_TOOLCHAIN_FILE is given.
macro(mace_use_abi_toolchain)
  set(MACE_ABI host CACHE STRING "Target ABI: host, x86_64, arm64-v8a, aarch64, armeabi-v7a, armhf")
  if(NOT CMAKE_TOOLCHAIN_FILE)
    mace_abi_toolchain("${MACE_ABI}" _mace_toolchain)
    if(_mace_toolchain)
      set(CMAKE_TOOLCHAIN_FILE ${_mace_toolchain} CACHE FILEPATH "Cross toolchain for MACE_ABI")
      if(_mace_toolchain MATCHES "android.toolchain.cmake$")
        set(ANDROID_ABI ${MACE_ABI} CACHE STRING "")
        set(MACE_ANDROID_PLATFORM android-24 CACHE STRING "Android API level for NDK builds")
        set(ANDROID_PLATFORM ${MACE_ANDROID_PLATFORM} CACHE STRING "")
        set(ANDROID_STL c++_static CACHE STRING "")
      endif()
    endif()
  endif()
endmacro()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED MACE_ABI)
  mace_abi_toolchain("${MACE_ABI}" file)
  execute_process(COMMAND ${CMAKE_COMMAND} -E echo "${file}")
endif()
