#!/usr/bin/env bash
# pkgconfig_test.sh CNNRT_ROOT SOURCE MODEL WORKDIR - builds a C program with `pkg-config --cflags --libs cnnrt` from
# the publish folder's lib/pkgconfig/cnnrt.pc, and runs it.
set -euo pipefail
root=$1 src=$2 model=$3 work=$4
mkdir -p "$work"
export PKG_CONFIG_PATH="$root/lib/pkgconfig"
echo "cnnrt $(pkg-config --modversion cnnrt): $(pkg-config --cflags --libs cnnrt)"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Werror "$src" $(pkg-config --cflags --libs cnnrt) -o "$work/consumer_pc"
"$work/consumer_pc" "$model"
