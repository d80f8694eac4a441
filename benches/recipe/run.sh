#!/usr/bin/env bash
# Held-out −ELBO of vae-explorer's default recipe against the same MLP trained in plain PyTorch
# (benches/recipe/reference.py), on exactly the app's split of the bundled digits, for latent 2 and
# 20 and seeds 1–3, 10 epochs each; prints a table with the means and the ratio ours / PyTorch.
# Not part of CI: the first run installs torch and numpy from PyPI into a virtual environment
# (RECIPE_VENV, default: the peers bench's target/peers-venv).
#
#   bash benches/recipe/run.sh                            # both systems, 2 latents × 3 seeds
#   bash benches/recipe/run.sh --reuse-reference          # ours only; PyTorch's results from the last run
#   bash benches/recipe/run.sh --label lr2e-3 -- --lr 2e-3   # ours with extra `train` options
#
# Options: --latents 2,20  --seeds 1,2,3  --epochs 10  --label NAME (names our results folder)
#          --reuse-reference  -- TRAIN_OPTIONS…
# Results go under RECIPE_OUT (default: $CARGO_TARGET_DIR/recipe, or target/recipe).
set -euo pipefail
cd "$(dirname "$0")/../.."

latents=2,20 seeds=1,2,3 epochs=10 label=default reuse_reference=0
train_options=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --latents) latents="$2"; shift 2 ;;
        --seeds) seeds="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --label) label="$2"; shift 2 ;;
        --reuse-reference) reuse_reference=1; shift ;;
        --) shift; train_options=("$@"); break ;;
        *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

target="${CARGO_TARGET_DIR:-target}"
out="${RECIPE_OUT:-$target/recipe}"
venv="${RECIPE_VENV:-${PEERS_VENV:-target/peers-venv}}"
if ! "$venv/bin/python" -c 'import torch, numpy' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch==2.15.0 numpy
fi
cargo build --locked --quiet
binary="$target/debug/vae-explorer"

mkdir -p "$out"
if [[ ! -f "$out/split/t10k-labels-idx1-ubyte" ]]; then
    rm -rf "$out/split"
    "$binary" split --data bundled --out "$out/split"
fi

IFS=, read -ra latent_list <<< "$latents"
IFS=, read -ra seed_list <<< "$seeds"
ours="$out/ours-$label"
rm -rf "$ours"
mkdir -p "$ours" "$out/reference"
printf '%s\n' "${train_options[*]:-}" > "$ours/train-options.txt"
for latent in "${latent_list[@]}"; do
    for seed in "${seed_list[@]}"; do
        run="l$latent-s$seed"
        echo "ours $label: latent $latent, seed $seed" >&2
        "$binary" train --data bundled --device cpu --latent-dim "$latent" --epochs "$epochs" --seed "$seed" \
            "${train_options[@]}" --out "$ours/$run" > /dev/null 2> "$ours/$run.log"
        reference="$out/reference/$run-e$epochs.json"
        if [[ $reuse_reference == 0 || ! -f "$reference" ]]; then
            echo "PyTorch: latent $latent, seed $seed" >&2
            "$venv/bin/python" -W ignore benches/recipe/reference.py --data "$out/split" \
                --latent-dim "$latent" --epochs "$epochs" --seed "$seed" > "$reference.tmp"
            mv "$reference.tmp" "$reference"
        fi
    done
done
"$venv/bin/python" benches/recipe/table.py --ours "$ours" --reference "$out/reference" \
    --latents "$latents" --seeds "$seeds" --epochs "$epochs"
