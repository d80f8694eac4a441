#!/usr/bin/env bash
# Fetches Google's Noto emoji (npm package emoji-datasource-google, images Apache-2.0) and lays
# out its 64 px PNGs as an image folder with one subfolder per emoji category (the torchvision
# ImageFolder layout that `vae-explorer train --data DIR` reads):
#
#   scripts/fetch_emoji.sh [DEST]          # default DEST: data/emoji
#
# About 3,800 images in 10 categories; the download is about 75 MB.
set -euo pipefail
dest="${1:-data/emoji}"
version="16.0.0"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "emoji-datasource-google@$version" >/dev/null)
tar -xzf "$work/emoji-datasource-google-$version.tgz" -C "$work"
mkdir -p "$dest"
python3 - "$work/package" "$dest" <<'PY'
import json, os, re, shutil, sys

package, dest = sys.argv[1], sys.argv[2]
source = os.path.join(package, "img", "google", "64")
copied = 0
with open(os.path.join(package, "emoji.json"), encoding="utf-8") as file:
    emoji = json.load(file)
for entry in emoji:
    if not entry.get("has_img_google"):
        continue
    category = re.sub(r"[^a-z0-9]+", "-", entry["category"].lower()).strip("-")
    images = [entry["image"]] + [variant["image"] for variant in entry.get("skin_variations", {}).values()
                                 if variant.get("has_img_google")]
    os.makedirs(os.path.join(dest, category), exist_ok=True)
    for image in images:
        path = os.path.join(source, image)
        if os.path.isfile(path):
            shutil.copyfile(path, os.path.join(dest, category, image))
            copied += 1
print(f"{copied} emoji images in {len(os.listdir(dest))} category folders under {dest}")
PY
cp "$work/package/LICENSE" "$dest/LICENSE-emoji-datasource.txt"
