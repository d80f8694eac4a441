#!/usr/bin/env bash
# Fetches the shift-tolerant LPIPS AlexNet weights that ship inside the PyPI package
# stlpips-pytorch 0.0.2 (Ghildyal & Liu, "Shift-tolerant Perceptual Similarity Metric", ECCV 2022;
# BSD 2-Clause) and puts them where vae-explorer looks for them:
#
#   scripts/fetch_lpips.sh [DEST_DIR]      # default DEST_DIR: assets/lpips (this checkout)
#
# The app never downloads anything itself. It reads DEST_DIR/alex_shift_tolerant.pth (the trunk
# and the five linear layers, about 10 MB) from, in order: --lpips-weights FILE,
# $VAE_EXPLORER_LPIPS (a file), the user data folder (…/vae-explorer/lpips/ on Linux
# ~/.local/share/vae-explorer/lpips/), and assets/lpips/ of the checkout it was built from.
# The wheel is about 64 MB (it also holds the VGG weights, which are not kept).
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-assets/lpips}"
version="0.0.2"
sha256="b356b382f96010f77d085ee8343ecd9fd322d0a56e8de2b2d0549fafcad8b9ee"
if [ -f "$dest/alex_shift_tolerant.pth" ] && echo "$sha256  $dest/alex_shift_tolerant.pth" | sha256sum --check --quiet; then
  echo "LPIPS weights already in $dest/alex_shift_tolerant.pth"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "stlpips-pytorch==$version"
wheel="$(ls "$work"/stlpips_pytorch-"$version"-*.whl)"
mkdir -p "$dest"
python3 - "$wheel" "$dest" <<'PY'
import sys, zipfile

wheel, dest = sys.argv[1], sys.argv[2]
wanted = {
    "stlpips_pytorch/weights/vST0.0/alex_shift_tolerant.pth": "alex_shift_tolerant.pth",
    "stlpips_pytorch-0.0.2.dist-info/licenses/LICENSE": "LICENSE-stlpips-pytorch.txt",
}
with zipfile.ZipFile(wheel) as archive:
    for member, name in wanted.items():
        with archive.open(member) as source, open(f"{dest}/{name}", "wb") as target:
            target.write(source.read())
print(f"LPIPS weights in {dest}/alex_shift_tolerant.pth")
PY
echo "$sha256  $dest/alex_shift_tolerant.pth" | sha256sum --check --quiet
