#!/usr/bin/env bash
# Held-out quality of vae-explorer's default conv on a colour picture folder against the conv VAE
# every PyTorch tutorial uses (benches/colour/reference.py), on exactly the app's split of the same
# pictures, after the same epochs, for several seeds; prints a table with the means, the ratios and
# each side's training wall time. Not part of CI: it needs torch, numpy and scikit-image in a
# virtual environment (COLOUR_VENV, default: the peers bench's target/peers-venv; installed on
# first use).
#
#   bash scripts/fetch_emoji.sh /tmp/emoji
#   bash benches/colour/run.sh --data /tmp/emoji                      # both systems, seeds 1–3
#   bash benches/colour/run.sh --data /tmp/emoji --reuse-reference    # ours only
#   bash benches/colour/run.sh --data /tmp/emoji --label lr2e-3 -- --lr 2e-3   # ours with extra options
#
# Options: --data DIR (required)  --latent 32  --seeds 1,2,3  --epochs 10  --label NAME
#          --reuse-reference  -- TRAIN_OPTIONS…
# The two systems alternate seed by seed, so a slow spell of the machine falls on both.
# Results go under COLOUR_OUT (default: $CARGO_TARGET_DIR/colour, or target/colour).
set -euo pipefail
cd "$(dirname "$0")/../.."

data="" latent=32 seeds=1,2,3 epochs=10 label=default reuse_reference=0
train_options=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) data="$2"; shift 2 ;;
        --latent) latent="$2"; shift 2 ;;
        --seeds) seeds="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --label) label="$2"; shift 2 ;;
        --reuse-reference) reuse_reference=1; shift ;;
        --) shift; train_options=("$@"); break ;;
        *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done
[[ -n "$data" ]] || { echo "--data DIR is required: a folder of colour pictures, one subfolder per class" >&2; exit 2; }

target="${CARGO_TARGET_DIR:-target}"
out="${COLOUR_OUT:-$target/colour}"
venv="${COLOUR_VENV:-${PEERS_VENV:-target/peers-venv}}"
if ! "$venv/bin/python" -c 'import torch, numpy, skimage' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch==2.15.0 numpy scikit-image==0.25.2
fi
cargo build --locked --quiet
binary="$target/debug/vae-explorer"
picture_flags=(--image-size 64 --channels 3)

split="$out/split-$(basename "$data")"
if [[ ! -f "$split/t10k-labels-idx1-ubyte" ]]; then
    rm -rf "$split"
    "$binary" split --data "$data" "${picture_flags[@]}" --out "$split"
fi

IFS=, read -ra seed_list <<< "$seeds"
ours="$out/ours-$label"
rm -rf "$ours"
mkdir -p "$ours" "$out/reference"
printf '%s\n' "${train_options[*]:-}" > "$ours/train-options.txt"
for seed in "${seed_list[@]}"; do
    run="l$latent-s$seed"
    echo "ours $label: seed $seed" >&2
    "$binary" train --data "$data" "${picture_flags[@]}" --arch conv --device cpu --latent-dim "$latent" \
        --epochs "$epochs" --seed "$seed" "${train_options[@]}" --out "$ours/$run" > /dev/null 2> "$ours/$run.log"
    "$binary" eval --model "$ours/$run" --data "$data" "${picture_flags[@]}" > "$ours/$run.eval" 2>> "$ours/$run.log"
    reference="$out/reference/$(basename "$data")-$run-e$epochs.json"
    if [[ $reuse_reference == 0 || ! -f "$reference" ]]; then
        echo "PyTorch: seed $seed" >&2
        "$venv/bin/python" -W ignore benches/colour/reference.py --data "$split" \
            --latent-dim "$latent" --epochs "$epochs" --seed "$seed" > "$reference.tmp"
        mv "$reference.tmp" "$reference"
    fi
done
"$venv/bin/python" benches/colour/table.py --ours "$ours" --reference "$out/reference" \
    --data-name "$(basename "$data")" --latent "$latent" --seeds "$seeds" --epochs "$epochs"
