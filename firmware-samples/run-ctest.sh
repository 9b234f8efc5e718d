#!/usr/bin/env bash
# Builds libcnnrt.so and runs the C ABI tests: publishes src/Native (NativeAOT) into build/native, configures and
# builds firmware-samples/ with CMake in build/firmware-samples, runs CTest, and ends with one line
# "N passed, N failed" (skipped tests, e.g. a tool missing, are counted in neither and listed above it).
# Installs missing Debian packages itself when run as root (CI is); otherwise says what to install.
#   firmware-samples/run-ctest.sh [extra ctest arguments, e.g. -R misuse]
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD/build/native"
build="$PWD/build/firmware-samples"

.ci/ensure-packages.sh cmake gcc g++ make pkg-config valgrind ffmpeg binutils || exit 1

echo "== publishing libcnnrt.so (NativeAOT) into $root"
rm -rf "$root"
if ! dotnet publish src/Native -c Release -r linux-x64 -o "$root" -nologo -v quiet; then
  echo "publish failed"; echo "0 passed, 1 failed"; exit 1
fi
echo "libcnnrt.so: $(stat -c %s "$root/libcnnrt.so") bytes"

echo "== building firmware-samples"
if ! cmake -S firmware-samples -B "$build" -DCNNRT_ROOT="$root" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
   || ! cmake --build "$build" -j "$(nproc)"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

echo "== ctest"
log=$(mktemp)
(cd "$build" && ctest --output-on-failure -j "$(nproc)" "$@") 2>&1 | tee "$log"
# "97% tests passed, 1 tests failed out of 29"; skipped tests count as passed there, so take them out.
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
skipped=$(grep -cE '^\s+[0-9]+ - .* \(Skipped\)$' "$log")
rm -f "$log"
if [ -z "$summary" ]; then
  echo "ctest did not report a summary"; echo "0 passed, 1 failed"; exit 1
fi
failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$summary")
total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$summary")
[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$((total - failed - skipped)) passed, $failed failed"
[ "$failed" -eq 0 ]
