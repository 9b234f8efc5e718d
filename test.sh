#!/usr/bin/env bash
# Runs every test of cnnrt: builds the solution, prepares what the tests read (Debian's ONNX backend test suite and
# Fashion-MNIST, the PyTorch model zoo with reference outputs), runs all xunit projects, the C ABI's CTest suite
# (firmware-samples/run-ctest.sh) and the ARM64 build under qemu-aarch64 (tests/arm64/run.sh), and ends with one line
# "N passed, N failed". Installs missing Debian packages itself when run as root (CI is); otherwise says what to install.
set -uo pipefail
cd "$(dirname "$0")"

.ci/ensure-packages.sh libonnx-testdata dataset-fashion-mnist python3-torch python3-torchvision python3-onnx \
  python3-numpy ffmpeg || exit 1

echo "== building"
if ! dotnet build Runtime.sln -c Release -nologo -v quiet; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

echo "== exporting the model zoo (cached in bench/.zoo)"
/usr/bin/python3 bench/zoo/export_zoo.py --out bench/.zoo || { echo "zoo export failed"; echo "0 passed, 1 failed"; exit 1; }

echo "== running tests"
results=$(mktemp -d)
dotnet test Runtime.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" 2>&1 | tee "$results/log.txt" \
  | grep -E "^\s*Failed |^\s*Skipped |Passed .*(OnnxBackendTests|ZooTests)|^\s*(Passed|Failed)!|error" || true

# Sum the counts of every test assembly from the TRX files (one per project).
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$c"); f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$c")
  n=$(sed -E 's/.* notExecuted="([0-9]+)".*/\1/' <<<"$c")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + n))
done
. .ci/counts.sh
echo "== C ABI: libcnnrt.so and firmware-samples (CMake, CTest)"
run_counted firmware-samples/run-ctest.sh
echo "== ARM64: cross-published with NativeAOT, run under qemu-aarch64 (tests/arm64/run.sh)"
run_counted tests/arm64/run.sh

projects=$(ls "$results"/*.trx 2>/dev/null | wc -l)
# Test projects only (tests/NativeCheck is a program that tests/arm64/run.sh cross-publishes).
expected=$(grep -l "Microsoft.NET.Test.Sdk" tests/*/*.csproj | wc -l)
if [ "$projects" -ne "$expected" ]; then
  echo "only $projects of $expected test projects reported results"; failed=$((failed + 1))
fi
if [ "$failed" -gt 0 ]; then
  echo "== failures"
  grep -E -A8 "^\s*Failed [A-Z]" "$results/log.txt" | head -200
fi
rm -rf "$results"
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
