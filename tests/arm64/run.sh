#!/usr/bin/env bash
# ARM64 — the Raspberry Pi's architecture — without ARM64 hardware: cross-publishes cnnrt for linux-arm64 with
# NativeAOT (clang as the cross linker) and runs it under qemu-aarch64's user-mode emulation, so the NEON kernels
# (`Vector128` on AdvSimd, and the few AdvSimd intrinsics no x64 run reaches) compute real results:
#   1. tests/NativeCheck (cnnrt-native-check): every in-scope float32 ONNX backend case through the planned engine and
#      every zoo model against PyTorch, with the x64 suites' tolerances;
#   2. libcnnrt.so (src/Native) and the C sample classify_image, built with the cross gcc: every labelled PGM/PPM
#      sample image of the shipped model must come out as its class;
#   3. the `cnnrt` command (src/Cli): `cnnrt classify` on every labelled sample image, PNG included, the same way.
# Ends with one line "N passed, N failed". Installs its Debian packages itself when run as root (CI is).
# Emulation says nothing about speed; run build/arm64/check/cnnrt-native-check and `cnnrt bench` on a Pi for that.
#   tests/arm64/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."

.ci/ensure-packages.sh clang gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libonnx-testdata || exit 1
out="$PWD/build/arm64"
rm -rf "$out"
cross=(-c Release -r linux-arm64 -p:CppCompilerAndLinker=clang -p:ObjCopyName=aarch64-linux-gnu-objcopy -nologo -v quiet)
run=(qemu-aarch64 -L /usr/aarch64-linux-gnu)

echo "== publishing cnnrt-native-check, libcnnrt.so and cnnrt for linux-arm64 (NativeAOT, clang)"
if ! dotnet publish tests/NativeCheck -p:PublishAot=true -o "$out/check" "${cross[@]}" \
   || ! dotnet publish src/Native -o "$out/native" "${cross[@]}" \
   || ! dotnet publish src/Cli -p:PublishAot=true -o "$out/cli" "${cross[@]}"; then
  echo "publish failed"; echo "0 passed, 1 failed"; exit 1
fi

. .ci/counts.sh
passed=0; failed=0
samples=models/fashion-mnist/samples
# check_label WHAT TOP EXPECTED: one classification's top label against the sample's class.
check_label() {
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "$1: $2"
  else failed=$((failed + 1)); echo "FAILED $1: top label '$2', expected '$3'"; fi
}

echo "== cnnrt-native-check under qemu-aarch64"
run_counted "${run[@]}" "$out/check/cnnrt-native-check" --zoo bench/.zoo

echo "== classify_image (C ABI) under qemu-aarch64"
if ! aarch64-linux-gnu-gcc -O2 -Wall -I "$out/native/include" -I firmware-samples firmware-samples/classify_image.c \
     -L "$out/native" -lcnnrt -lm -o "$out/classify_image"; then
  echo "classify_image: build failed"; failed=$((failed + 1))
else
  while IFS=$'\t' read -r file index label _; do
    case "$file" in *.pgm|*.ppm) ;; *) continue ;; esac
    top=$("${run[@]}" -E LD_LIBRARY_PATH="$out/native" "$out/classify_image" models/fashion-mnist/fashion_cnn.onnx \
          "$samples/$file" 2>&1 | sed -n 's/^1\. \(.*\) [01]\.[0-9]*$/\1/p')
    check_label "classify_image $file" "$top" "$label"
  done < "$samples/labels.txt"
fi

echo "== cnnrt classify under qemu-aarch64"
mapfile -t files < <(cut -f1 "$samples/labels.txt")
classified=$("${run[@]}" "$out/cli/cnnrt" classify "${files[@]/#/$samples/}" 2>&1)
while IFS=$'\t' read -r file index label _; do
  top=$(grep -F "$samples/$file: " <<<"$classified" | sed -n 's/^[^:]*: \([^%]*\) [0-9.]*%.*/\1/p')
  check_label "cnnrt classify $file" "$top" "$label"
done < "$samples/labels.txt"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
