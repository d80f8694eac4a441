#!/usr/bin/env bash
# The GPU path in one go, for whoever has a GPU at hand: names the wgpu adapter, runs the GPU
# test (which trains on it, saves, and loads on the CPU and back) and the GPU benchmark (training
# images/s, and a 1024³ matrix product timed until the device has finished it).
#
#   scripts/gpu_check.sh                    # fails loudly when only a software adapter is found
#   scripts/gpu_check.sh --allow-software   # accepts Mesa's lavapipe/llvmpipe (as CI does)
#   scripts/gpu_check.sh --fusion           # with burn's kernel fusion and autotune (feature gpu-fusion)
#
# Arguments after the flags replace the benchmark's (default: --arch mlp,conv
# --shapes 28x28x1,64x64x3 --warmup-steps 10 --steps 50).
set -euo pipefail
cd "$(dirname "$0")/.."

allow_software=0
features=()
while [ $# -gt 0 ]; do
  case "$1" in
    --allow-software) allow_software=1; shift ;;
    --fusion) features=(--features gpu-fusion); shift ;;  # burn's fusion and autotune on wgpu
    *) break ;;
  esac
done

cargo build --locked "${features[@]}" --bin vae-explorer
binary=target/debug/vae-explorer

# A short run first, only to learn which adapter wgpu picks.
probe=$("$binary" bench --devices gpu --steps 1 --warmup-steps 0 2>&1) || {
  echo "$probe"
  echo "error: the GPU benchmark could not run" >&2
  exit 1
}
adapter=$(printf '%s\n' "$probe" | grep -m1 '^gpu  adapter:' || true)
if [ -z "$adapter" ]; then
  printf '%s\n' "$probe"
  echo "error: no wgpu adapter found (install the GPU's Vulkan, Metal or DX12 driver)" >&2
  exit 1
fi
echo "$adapter"
if [[ "$adapter" == *"(software)"* && $allow_software -eq 0 ]]; then
  echo "error: only a software adapter was found; its numbers say nothing about a GPU." >&2
  echo "       Install the GPU's driver, or pass --allow-software to check the path anyway." >&2
  exit 1
fi

# CI=1: the GPU test fails instead of skipping when no adapter can be had.
CI=1 cargo test --locked "${features[@]}" --test integration gpu:: -- --nocapture

if [ $# -eq 0 ]; then
  set -- --arch mlp,conv --shapes 28x28x1,64x64x3 --warmup-steps 10 --steps 50
fi
"$binary" bench --devices gpu "$@"
echo "gpu check passed on: ${adapter#gpu  adapter: }"
