#!/usr/bin/env bash
# cnnrt vs ONNX Runtime, side by side, on the model zoo and the shipped Fashion-MNIST model. One command:
#
#   bench/run.sh [--runs 20] [--rounds 1] [--warmup 3] [--warmup-seconds 1] [--budget 20] [--models resnet18,lenet5]
#                [--aot] [--out bench/results]
#
# Warm-up is at least --warmup runs and --warmup-seconds for both engines (the JIT needs the time to optimize).
# Builds what is missing (the zoo in bench/.zoo, ONNX Runtime 1.30 from npm into bench/node_modules, cnnrt in
# Release), checks that both engines agree on each model, times them back to back, and writes
# bench/results/latest.{md,json,svg}. --aot also publishes cnnrt with NativeAOT and times it beside the JIT build.
# --budget caps the seconds one engine spends on one model (fewer runs for slow models; 0 = never fewer).
# --rounds N times each model N times over (engine order rotating): the table keeps each engine's median round and the
# median of the rounds' ratios, so a burst of load on the shared host during one engine's turn does not decide it.
# Exits non-zero when a model fails or the engines disagree.
set -euo pipefail
cd "$(dirname "$0")/.."

ORT_VERSION=1.30.0
ZOO_MODELS=(mobilenet_v2 resnet18 squeezenet1_1 shufflenet_v2_x0_5 mobilenet_v3_small efficientnet_b0 lenet5 typical_cnn)
args=()
aot=0
models=""
while [ $# -gt 0 ]; do
  case "$1" in
    --aot) aot=1 ;;
    --models) models="$2"; args+=(--models "$2"); shift ;;
    --runs|--rounds|--warmup|--warmup-seconds|--budget|--out) args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in dotnet node npm; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: '$tool' is not installed" >&2; exit 2; }
done

# The zoo models this run needs; exported (with reference outputs) only when a file is missing.
needed=()
for m in "${ZOO_MODELS[@]}"; do
  if [ -z "$models" ] || [[ ",$models," == *",$m,"* ]]; then needed+=("$m"); fi
done
missing=()
for m in ${needed[@]+"${needed[@]}"}; do
  for f in model.onnx input.npy output.npy info.json; do
    [ -f "bench/.zoo/$m/$f" ] || { missing+=("$m"); break; }
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== exporting the model zoo: ${missing[*]}"
  /usr/bin/python3 bench/zoo/export_zoo.py --out bench/.zoo --only "${missing[@]}"
fi

installed=$(node -p "try { require('./bench/node_modules/onnxruntime-node/package.json').version } catch { '' }")
if [ "$installed" != "$ORT_VERSION" ]; then
  echo "== installing onnxruntime-node@$ORT_VERSION into bench/node_modules"
  # --ignore-scripts: its post-install step downloads GPU providers, which the CPU comparison does not need.
  npm install --prefix bench --ignore-scripts --no-save --no-audit --no-fund --loglevel=error "onnxruntime-node@$ORT_VERSION"
fi

echo "== building cnnrt (Release)"
dotnet build src/Cli -c Release -nologo -v quiet -clp:ErrorsOnly
engines=(--cnnrt src/Cli/bin/Release/net10.0/cnnrt.dll)
if [ "$aot" = 1 ]; then
  # The JIT build runs the widest kernels the CPU has; a NativeAOT build only those of its instruction-set baseline
  # (x86-64-v3 by default: AVX2). On an AVX-512 host the v3 build would time AVX2 kernels against the JIT's AVX-512
  # ones (1.2-1.6x slower on 2026-12-04), so the comparison publishes the v4 build there.
  isa_level=x86-64-v3
  if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo; then
    isa_level=x86-64-v4
  fi
  echo "== publishing cnnrt with NativeAOT, $isa_level (out/cnnrt-aot)"
  dotnet publish src/Cli -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=$isa_level -o out/cnnrt-aot \
    -nologo -v quiet -clp:ErrorsOnly
  engines+=(--aot out/cnnrt-aot/cnnrt)
fi

node bench/compare.js "${engines[@]}" ${args[@]+"${args[@]}"}
