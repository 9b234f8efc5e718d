#!/usr/bin/env bash
# exports_test.sh LIBRARY HEADER - the library exports exactly the functions cnnrt.h declares (no more: the NativeAOT
# runtime's own symbols stay hidden), and it carries the SONAME libcnnrt.so.
set -uo pipefail
lib=$1 header=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' | sort)
declared=$(grep -E '^CNNRT_API' "$header" | grep -oE '\bcnnrt_[a-z0-9_]+ *\(' | tr -d ' (' | sort)
echo "exported: $(wc -l <<<"$exported") functions, declared: $(wc -l <<<"$declared")"
if [ "$exported" != "$declared" ]; then
  diff <(echo "$declared") <(echo "$exported") | sed 's/^</declared only:/; s/^>/exported only:/'
  exit 1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libcnnrt.so" ] || { echo "SONAME is '$soname', expected libcnnrt.so"; exit 1; }
echo "$(stat -c %s "$lib") bytes, SONAME $soname"
