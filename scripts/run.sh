#!/usr/bin/env bash
# Opens the vae-explorer window on a fresh Debian machine: installs the window system libraries and
# a Vulkan driver when missing, then builds (first build: about 30-40 minutes on 2 cores) and runs.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for package in libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libvulkan1 mesa-vulkan-drivers; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing window dependencies: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo run --locked -- "$@"
