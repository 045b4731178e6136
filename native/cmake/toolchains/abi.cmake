# Maps a target ABI name to its toolchain file. Usable as a script:
#   cmake -DMACE_ABI=arm64-v8a -P native/cmake/toolchains/abi.cmake   # prints the file, or nothing for host
# ABIs: host (no toolchain), arm64-v8a | aarch64 -> aarch64-linux-gnu,
#       armeabi-v7a | armhf -> arm-linux-gnueabihf.
function(mace_abi_toolchain abi out)
  if(abi STREQUAL "host" OR abi STREQUAL "")
    set(${out} "" PARENT_SCOPE)
  elseif(abi STREQUAL "arm64-v8a" OR abi STREQUAL "aarch64")
    set(${out} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/aarch64-linux-gnu.cmake" PARENT_SCOPE)
  elseif(abi STREQUAL "armeabi-v7a" OR abi STREQUAL "armhf")
    set(${out} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/arm-linux-gnueabihf.cmake" PARENT_SCOPE)
  else()
    message(FATAL_ERROR "unknown ABI '${abi}' (host, arm64-v8a, aarch64, armeabi-v7a, armhf)")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED MACE_ABI)
  mace_abi_toolchain("${MACE_ABI}" file)
  execute_process(COMMAND ${CMAKE_COMMAND} -E echo "${file}")
endif()
