#!/usr/bin/env bash
# Compiles every OpenCL kernel program (cl/common.cl + cl/<name>.cl, as the runtime builds it)
# with clang's OpenCL 1.2 front end, in float and in half arithmetic (-DUSE_HALF, which the
# runtime uses on devices with cl_khr_fp16: no driver here has it, PoCL cannot even parse half4),
# with and without every optional feature of each program. Catches kernels that would only
# fail to build on a phone. Needs clang (PoCL's dependency, so present where the OpenCL tests run).
set -euo pipefail
cd "$(dirname "$0")/.."
clang=$(command -v clang-15 || command -v clang || true)
[ -n "$clang" ] || { echo "check-opencl-kernels: clang not found (apt-get install clang)" >&2; exit 1; }
dir=native/src/opencl/cl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Option sets: the defaults, then every optional feature at once (values the host passes).
variants=(
  "-DELTWISE_TYPE=0 -DREDUCE_TYPE=0 -DWINO_M=2 -DDEPTH_SPACE_MODE=0"
  "-DELTWISE_TYPE=3 -DREDUCE_TYPE=2 -DWINO_M=4 -DDEPTH_SPACE_MODE=2 -DBIAS -DHAS_BIAS -DSPLIT_K -DCOUNT_INCLUDE_PAD
   -DFLOAT_IN -DPARTIAL_OUT -DPOOL_MAX -DSTRIDE1 -DLOG -DALIGNED -DFILTER_H=3 -DFILTER_W=3 -DOUT_W_BLK=5"
)
count=0 failed=0
for file in "$dir"/*.cl; do
  name=$(basename "$file" .cl)
  [ "$name" = common ] && continue
  cat "$dir/common.cl" "$file" > "$work/$name.cl"
  # Options a program always gets from its op (depthwise kernels are built per filter size).
  required=""
  [ "$name" = depthwise_conv2d ] && required="-DFILTER_H=5 -DFILTER_W=5"
  for half in "" "-DUSE_HALF"; do
    for v in "${variants[@]}"; do
      case "$v" in *FILTER_H*) ;; *) v="$required $v" ;; esac
      for act in 0 7; do
        count=$((count + 1))
        # shellcheck disable=SC2086
        if ! "$clang" -x cl -cl-std=CL1.2 -Xclang -finclude-default-header -fsyntax-only -Werror \
            $half $v -DACTIVATION_TYPE=$act "$work/$name.cl" 2> "$work/err"; then
          failed=$((failed + 1))
          echo "FAILED: $name $half $v -DACTIVATION_TYPE=$act" >&2
          head -n 20 "$work/err" >&2
        fi
      done
    done
  done
done
# Every activation once, in both arithmetics.
for half in "" "-DUSE_HALF"; do
  for act in 0 1 2 3 4 5 6 7; do
    count=$((count + 1))
    # shellcheck disable=SC2086
    "$clang" -x cl -cl-std=CL1.2 -Xclang -finclude-default-header -fsyntax-only -Werror $half \
      -DACTIVATION_TYPE=$act "$work/activation.cl" 2> "$work/err" || {
      failed=$((failed + 1))
      echo "FAILED: activation $half -DACTIVATION_TYPE=$act" >&2
      head -n 20 "$work/err" >&2
    }
  done
done
echo "opencl kernels: $((count - failed))/$count builds compiled (float and half arithmetic)"
[ "$failed" -eq 0 ]
