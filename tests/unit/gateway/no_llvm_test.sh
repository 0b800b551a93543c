#!/bin/sh
# Fails when the gw binary needs libLLVM, or a library only LLVM pulls in (z3, ICU, libxml2,
# libedit), directly (DT_NEEDED) or through another library (the loader's closure): loading
# libLLVM alone costs gw ≈ 45 MiB resident (docs/compiler-backend.md).
#   no_llvm_test.sh PATH/TO/gw
set -eu
bin="$1"
pattern='^lib(LLVM|z3|icu[a-z0-9]*|xml2|edit)[.-]'
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if [ -z "$needed" ]; then
  echo "FAIL: no DT_NEEDED entries read from $bin"
  exit 1
fi
direct=$(printf '%s\n' "$needed" | grep -E "$pattern" || true)
closure=$(ldd "$bin" | awk '{print $1}' | grep -E "$pattern" || true)
if [ -n "$direct$closure" ]; then
  echo "FAIL: $bin needs LLVM or its dependencies:"
  printf '  DT_NEEDED: %s\n' $direct
  printf '  loaded:    %s\n' $closure
  exit 1
fi
echo "ok: $bin needs $(printf '%s ' $needed)"
