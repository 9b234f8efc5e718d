#!/usr/bin/env bash
# camera_loop_test.sh CAMERA_LOOP MODEL WORKDIR - feeds camera_loop raw I420 frames made by ffmpeg's test pattern, as
# a camera pipeline would (rpicam-vid --codec yuv420 -o - | camera_loop ...), and checks its report:
#   1. 20 whole 64x48 frames: 20 per-frame lines and a summary with p50/p99 and fps;
#   2. the same stream plus half a frame: frame 21 is reported as truncated, the 20 frames before it are classified,
#      and camera_loop exits 0;
#   3. a 0-byte stream: "0 frames";  4. bad arguments: exit status 2.
set -uo pipefail
cam=$1 model=$2 work=$3
mkdir -p "$work"
frames="$work/testsrc_64x48.i420"
fail() { echo "FAIL: $*"; exit 1; }

ffmpeg -v error -f lavfi -i testsrc=size=64x48:rate=30 -frames:v 20 -pix_fmt yuv420p -f rawvideo - > "$frames" \
  || fail "ffmpeg could not make test frames"
size=$(stat -c %s "$frames")
[ "$size" -eq $((20 * 64 * 48 * 3 / 2)) ] || fail "ffmpeg wrote $size bytes, expected $((20 * 4608))"

echo "== 20 frames"
out=$("$cam" "$model" 64 48 < "$frames") || fail "exit status $?"
echo "$out"
[ "$(grep -c '^frame [0-9]*: .* (inference [0-9.]* ms, frame [0-9.]* ms)$' <<<"$out")" -eq 20 ] || fail "expected 20 frame lines"
grep -q '^summary: 20 frames, inference p50 [0-9.]* ms, p99 [0-9.]* ms, [0-9.]* fps$' <<<"$out" || fail "no summary line"

echo "== 20 frames and half of a 21st"
cat "$frames" <(head -c 2304 "$frames") > "$work/truncated.i420"
out=$("$cam" "$model" 64 48 < "$work/truncated.i420" 2> "$work/stderr.txt") || fail "exit status $? (a truncated last frame is not an error)"
cat "$work/stderr.txt"
grep -q 'frame 21 is truncated: 2304 of 4608 bytes' "$work/stderr.txt" || fail "the truncated frame 21 is not reported"
grep -q '^summary: 20 frames' <<<"$out" || fail "the 20 whole frames are not summarised"

echo "== --max-frames 5 --quiet"
out=$("$cam" "$model" 64 48 --max-frames 5 --quiet < "$frames") || fail "exit status $?"
[ "$out" = "$(grep '^summary: 5 frames' <<<"$out")" ] || fail "expected only a summary of 5 frames, got: $out"

echo "== empty stream"
out=$("$cam" "$model" 64 48 < /dev/null) || fail "exit status $?"
grep -q '^summary: 0 frames' <<<"$out" || fail "no '0 frames' summary"

echo "== bad arguments"
"$cam" "$model" 64 < /dev/null; [ $? -eq 2 ] || fail "a missing height must exit 2"
"$cam" "$model" 0 48 < /dev/null; [ $? -eq 2 ] || fail "width 0 must exit 2"
"$cam" /nonexistent.onnx 64 48 < /dev/null 2> "$work/stderr.txt"; [ $? -eq 1 ] || fail "a missing model must exit 1"
grep -q 'no such file' "$work/stderr.txt" || fail "a missing model must say so"
echo "camera_loop: all checks passed"
