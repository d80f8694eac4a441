#!/usr/bin/env bash
# Trains three recipes on one colour picture folder and lays out what each gives back: held-out
# originals above their reconstructions, and prior samples, one picture per recipe, with each
# recipe's held-out PSNR, SSIM and LPIPS from `vae-explorer eval` in a table (table.md).
#
#   bash scripts/fetch_emoji.sh /tmp/emoji
#   bash scripts/fetch_lpips.sh                     # LPIPS needs the weights (eval and the last recipe)
#   bash benches/gallery/run.sh --data /tmp/emoji   # writes under GALLERY_OUT (default target/gallery)
#
# Recipes (conv, latent 32, 10 epochs, seed 1, 64 × 64 RGB):
#   bce-beta1    --loss bce                                  the tutorials' objective
#   calibrated   (no flags: --loss auto, mse with σ learned)  the default for colour pictures
#   calibrated-lpips  --perceptual-weight 0.1                 the default with a light LPIPS term
#   perceptual   --loss l1 --perceptual-weight 1 --beta 0.02 --lr 1e-3   the reference recipe's objective
# Options: --data DIR (required)  --epochs 10  --latent 32  --seed 1  --image-size 64
set -euo pipefail
cd "$(dirname "$0")/../.."

data="" epochs=10 latent=32 seed=1 size=64
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) data="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --latent) latent="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --image-size) size="$2"; shift 2 ;;
        *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done
[[ -n "$data" ]] || { echo "--data DIR is required: a folder of colour pictures, one subfolder per class" >&2; exit 2; }

target="${CARGO_TARGET_DIR:-target}"
out="${GALLERY_OUT:-$target/gallery}"
cargo build --locked --quiet
binary="$target/debug/vae-explorer"
picture_flags=(--image-size "$size" --channels 3)
mkdir -p "$out"

declare -A recipes=(
    [bce-beta1]="--loss bce"
    [calibrated]=""
    [calibrated-lpips]="--perceptual-weight 0.1"
    [perceptual]="--loss l1 --perceptual-weight 1 --beta 0.02 --lr 1e-3"
)
order=(bce-beta1 calibrated calibrated-lpips perceptual)
{
    echo "| recipe | options | held-out PSNR (dB) | SSIM | LPIPS | train (s) |"
    echo "|---|---|---|---|---|---|"
} > "$out/table.md"
for name in "${order[@]}"; do
    model="$out/$name"
    read -ra options <<< "${recipes[$name]}"
    if [[ ! -f "$model/metrics.json" ]]; then
        echo "training $name" >&2
        rm -rf "$model"
        "$binary" train --data "$data" "${picture_flags[@]}" --arch conv --device cpu --latent-dim "$latent" \
            --epochs "$epochs" --seed "$seed" "${options[@]}" --out "$model" > "$out/$name.train.log" 2>&1
    fi
    "$binary" eval --model "$model" --data "$data" "${picture_flags[@]}" > "$out/$name.eval" 2> "$out/$name.eval.log"
    "$binary" export reconstructions --model "$model" --data "$data" "${picture_flags[@]}" --scale 2 \
        --out "$out/$name-reconstructions.png" 2>> "$out/$name.eval.log"
    "$binary" export samples --model "$model" --data "$data" "${picture_flags[@]}" --scale 1 \
        --out "$out/$name-samples.png" 2>> "$out/$name.eval.log"
    python3 - "$out/$name.eval" "$model/metrics.json" "$name" "${recipes[$name]:-(none: --loss auto)}" >> "$out/table.md" <<'PY'
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
done
cat "$out/table.md"
echo "pictures under $out: RECIPE-reconstructions.png, RECIPE-samples.png" >&2
