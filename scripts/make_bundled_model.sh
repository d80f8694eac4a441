#!/usr/bin/env bash
# Trains the model shipped in assets/model (MLP, latent 2, 30 epochs on the bundled digits, CPU,
# seed 42) and copies it there under fixed file names.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo run --locked -- train --data bundled --arch mlp --latent-dim 2 --epochs 30 --seed 42 --device cpu --out "$out"
mkdir -p assets/model
cp "$out"/weights-*.bpk assets/model/weights.bpk
python3 - "$out/checkpoint.json" assets/model/checkpoint.json <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
info["weights_file"] = "weights.bpk"
json.dump(info, open(sys.argv[2], "w"), indent=2)
PY
cp "$out/metrics.json" assets/model/metrics.json
echo "wrote assets/model"
