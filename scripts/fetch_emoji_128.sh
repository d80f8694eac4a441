#!/usr/bin/env bash
# Fetches four emoji sets from npm and lays them out as one image folder of about 15,000 colour
# pictures at 128 px or more, one subfolder per set (the set is the class, so the latent scatter is
# coloured by drawing style):
#
#   scripts/fetch_emoji_128.sh [DEST]          # default DEST: data/emoji-128
#
#   fluent-3d    3,390  Microsoft Fluent Emoji 3D, 256×256 WebP   (@lobehub/fluent-emoji-3d, MIT)
#   fluent-flat  3,259  Microsoft Fluent Emoji flat, SVG          (@lobehub/fluent-emoji-flat, MIT)
#   openmoji     4,495  OpenMoji colour, SVG                      (openmoji, CC BY-SA 4.0)
#   twemoji      3,846  Twemoji, SVG                              (@discordapp/twemoji, CC BY 4.0)
#
# The SVGs are rendered to 128×128 PNGs (transparent outside the drawing) by rsvg-convert
# (Debian: apt-get install librsvg2-bin); the WebPs are copied as they are, and the app scales them
# when it reads the folder. The download is about 25 MB; rendering takes a few minutes.
#
# Train on it at 128 px, e.g. the residual conv of README "128-px pictures":
#   vae-explorer train --data data/emoji-128 --image-size 128 --channels 3 --arch conv --residual-blocks 1 …
set -euo pipefail
dest="${1:-data/emoji-128}"
side=128
command -v rsvg-convert >/dev/null || {
    echo "rsvg-convert is missing: install it (Debian/Ubuntu: apt-get install librsvg2-bin), then run this again" >&2
    exit 1
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # PACKAGE@VERSION → unpacked under $work/NAME
    local spec="$1" name="$2"
    (cd "$work" && npm pack --silent "$spec" > "$name.tgz.name")
    mkdir -p "$work/$name"
    tar -xzf "$work/$(cat "$work/$name.tgz.name")" -C "$work/$name"
}
fetch "@lobehub/fluent-emoji-3d@1.1.0" fluent-3d
fetch "@lobehub/fluent-emoji-flat@1.1.0" fluent-flat
fetch "openmoji@17.0.0" openmoji
fetch "@discordapp/twemoji@16.0.1" twemoji

mkdir -p "$dest/fluent-3d" "$dest/fluent-flat" "$dest/openmoji" "$dest/twemoji"
cp "$work/fluent-3d/package/assets/"*.webp "$dest/fluent-3d/"

render() { # SOURCE_FOLDER DEST_FOLDER: every SVG to a side×side PNG, two at a time
    find "$1" -maxdepth 1 -name '*.svg' -print0 |
        xargs -0 -P 2 -I{} sh -c 'f="$1"; rsvg-convert -w "$3" -h "$3" -a -o "$2/$(basename "$f" .svg).png" "$f"' _ {} "$2" "$side"
}
render "$work/fluent-flat/package/assets" "$dest/fluent-flat"
render "$work/openmoji/package/color/svg" "$dest/openmoji"
render "$work/twemoji/package/dist/svg" "$dest/twemoji"

for set in fluent-3d fluent-flat openmoji twemoji; do
    printf '%-12s %5d pictures\n' "$set" "$(find "$dest/$set" -type f | wc -l)"
done
cat > "$dest/LICENSES.txt" <<'TEXT'
fluent-3d, fluent-flat: Microsoft Fluent Emoji (npm @lobehub/fluent-emoji-3d, @lobehub/fluent-emoji-flat), MIT.
openmoji: OpenMoji (npm openmoji), CC BY-SA 4.0, https://openmoji.org
twemoji: Twemoji (npm @discordapp/twemoji), graphics CC BY 4.0, https://github.com/jdecked/twemoji
TEXT
echo "wrote $(find "$dest" -type f -name '*.*' ! -name 'LICENSES.txt' | wc -l) pictures under $dest"
