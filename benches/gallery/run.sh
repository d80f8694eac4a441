#!/usr/bin/env bash
# Trains recipes on one colour picture folder and lays out what each gives back: held-out
# originals above their reconstructions, and prior samples, one picture per recipe, with each
# recipe's held-out PSNR, SSIM and LPIPS from `vae-explorer eval` in a table (table.md), and all of
# them side by side in gallery.png when ImageMagick is installed.
#
#   bash scripts/fetch_emoji.sh /tmp/emoji
#   bash scripts/fetch_lpips.sh                     # LPIPS needs the weights (eval and the LPIPS recipes)
#   bash benches/gallery/run.sh --data /tmp/emoji   # writes under GALLERY_OUT (default target/gallery)
#
#   # 128 px, the residual conv of about 12 M weights, three recipes:
#   bash scripts/fetch_emoji_128.sh /tmp/emoji-128
#   GALLERY_OUT=target/gallery-128 bash benches/gallery/run.sh --data /tmp/emoji-128 --image-size 128 \
#       --latent 64 --base-channels 48 --residual-blocks 1 --epochs 3 --lr 1e-3 --recipes bce-beta1,calibrated,perceptual
#   (README "Three recipes at 128 px" ran this on a quarter of that folder)
#
# Recipes (conv, seed 1, RGB):
#   bce-beta1    --loss bce                                  the tutorials' objective
#   calibrated   (no flags: --loss auto, mse with σ learned)  the default for colour pictures
#   calibrated-lpips  --perceptual-weight 0.1                 the default with a light LPIPS term
#   perceptual   --loss l1 --perceptual-weight 1 --beta 0.02 --lr 1e-3   the reference recipe's objective
# Options: --data DIR (required)  --epochs 10  --latent 32  --seed 1  --image-size 64  --lr RATE (every recipe)
#          --base-channels 32  --residual-blocks 0  --recipes all (or a comma-separated list of the above)
#          -- FLAGS…   passed to every recipe's `train` after its own (e.g. -- --lr-warmup-epochs 0.2)
# A recipe whose folder already holds metrics.json is not trained again (delete it to retrain).
# VAE_EXPLORER_BIN=FILE uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."

data="" epochs=10 latent=32 seed=1 size=64 base_channels=32 residual_blocks=0 chosen=all
extra_train_flags=() lr=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) data="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --latent) latent="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --image-size) size="$2"; shift 2 ;;
        --base-channels) base_channels="$2"; shift 2 ;;
        --residual-blocks) residual_blocks="$2"; shift 2 ;;
        --recipes) chosen="$2"; shift 2 ;;
        --lr) lr="$2"; shift 2 ;;
        --) shift; extra_train_flags=("$@"); break ;;
        *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done
[[ -n "$data" ]] || { echo "--data DIR is required: a folder of colour pictures, one subfolder per class" >&2; exit 2; }

target="${CARGO_TARGET_DIR:-target}"
out="${GALLERY_OUT:-$target/gallery}"
# VAE_EXPLORER_BIN: a binary to use as it is (e.g. a copy, while the checkout is rebuilt); else built here.
binary="${VAE_EXPLORER_BIN:-}"
if [[ -z "$binary" ]]; then
    cargo build --locked --quiet
    binary="$target/debug/vae-explorer"
fi
picture_flags=(--image-size "$size" --channels 3)
# Reconstructions drawn at 128 px or more on screen, whatever the pictures' size.
scale=$(( size >= 128 ? 1 : 2 ))
mkdir -p "$out"

declare -A recipes=(
    [bce-beta1]="--loss bce"
    [calibrated]=""
    [calibrated-lpips]="--perceptual-weight 0.1"
    [perceptual]="--loss l1 --perceptual-weight 1 --beta 0.02"
)
# Each recipe's learning rate: the app's default, but 1e-3 for the reference recipe's objective
# (as its authors train it); --lr sets one rate for every recipe.
declare -A rates=([bce-beta1]="" [calibrated]="" [calibrated-lpips]="" [perceptual]="1e-3")
declare -A captions=(
    [bce-beta1]="bce, β 1"
    [calibrated]="calibrated (the default: mse, σ learned)"
    [calibrated-lpips]="calibrated + LPIPS weight 0.1"
    [perceptual]="l1 + LPIPS weight 1, β 0.02"
)
order=(bce-beta1 calibrated calibrated-lpips perceptual)
if [[ "$chosen" != all ]]; then
    IFS=, read -ra order <<< "$chosen"
    for name in "${order[@]}"; do
        [[ -v "recipes[$name]" ]] || { echo "unknown recipe $name: choose from bce-beta1, calibrated, calibrated-lpips, perceptual" >&2; exit 2; }
    done
fi
{
    echo "| recipe | options | held-out PSNR (dB) | SSIM | LPIPS | train (s) |"
    echo "|---|---|---|---|---|---|"
} > "$out/table.md"
shown=()
declare -A rates_used=()
for name in "${order[@]}"; do
    model="$out/$name"
    read -ra options <<< "${recipes[$name]}"
    rate="${lr:-${rates[$name]}}"
    [[ -n "$rate" ]] && options+=(--lr "$rate")
    if [[ ! -f "$model/metrics.json" ]]; then
        echo "training $name" >&2
        rm -rf "$model"
        "$binary" train --data "$data" "${picture_flags[@]}" --arch conv --device cpu --latent-dim "$latent" \
            --base-channels "$base_channels" --residual-blocks "$residual_blocks" \
            --epochs "$epochs" --seed "$seed" "${options[@]}" "${extra_train_flags[@]}" --out "$model" \
            > "$out/$name.train.log" 2>&1 || true
    fi
    if [[ ! -f "$model/metrics.json" ]]; then
        # A run that failed (e.g. diverged) saves nothing: its row says why, and the next recipe runs.
        reason="$(grep -m1 '^error' "$out/$name.train.log" | cut -c8- || true)"
        echo "| $name | \`${options[*]}\` | failed: ${reason:-see $name.train.log} | | | |" >> "$out/table.md"
        continue
    fi
    "$binary" eval --model "$model" --data "$data" "${picture_flags[@]}" > "$out/$name.eval" 2> "$out/$name.eval.log"
    "$binary" export reconstructions --model "$model" --data "$data" "${picture_flags[@]}" --scale "$scale" \
        --out "$out/$name-reconstructions.png" 2>> "$out/$name.eval.log"
    "$binary" export samples --model "$model" --data "$data" "${picture_flags[@]}" --scale 1 \
        --out "$out/$name-samples.png" 2>> "$out/$name.eval.log"
    python3 - "$out/$name.eval" "$model/metrics.json" "$name" "${options[*]:-(none: --loss auto)}" >> "$out/table.md" <<'PY'
import json, re, sys
evaluation, metrics_path, name, options = sys.argv[1:5]
text = open(evaluation, encoding="utf-8").read()
def figure(label):
    match = re.search(label + r":?\s+(-?[0-9.]+)", text)
    return match.group(1) if match else "—"
metrics = json.load(open(metrics_path, encoding="utf-8"))
train_secs = sum(epoch["train_secs"] for epoch in metrics["epochs"])
print(f"| {name} | `{options}` | {figure('PSNR')} | {figure('SSIM')} | {figure('LPIPS')} | {train_secs:.0f} |")
PY
    rates_used[$name]="$rate"
    shown+=("$name")
done
cat "$out/table.md"
# ImageMagick 7's `magick` or 6's `convert`, when installed: one column per recipe (its
# reconstructions, caption, prior samples), the columns side by side.
imagemagick="$(command -v magick || command -v convert || true)"
if [[ -n "$imagemagick" && ${#shown[@]} -gt 0 ]]; then
    # ImageMagick's default font (Helvetica) is missing on many minimal systems: name an installed one.
    font="$(fc-match -f '%{file}' sans 2>/dev/null || true)"
    columns=()
    for name in "${shown[@]}"; do
        "$imagemagick" -background white ${font:+-font "$font"} -pointsize 16 -gravity center \
            "$out/$name-reconstructions.png" label:"${captions[$name]}${rates_used[$name]:+, lr ${rates_used[$name]}}" \
            "$out/$name-samples.png" label:"prior samples" -append "$out/$name-column.png"
        columns+=("$out/$name-column.png")
    done
    "$imagemagick" "${columns[@]}" -bordercolor white -border 12 +append "$out/gallery.png"
    echo "gallery: $out/gallery.png" >&2
fi
echo "pictures under $out: RECIPE-reconstructions.png, RECIPE-samples.png" >&2
