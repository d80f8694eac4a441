#!/usr/bin/env bash
# Trains vae-explorer's VAE in PyTorch and JAX on the bundled digits and prints images/s beside ours,
# with the ratio ours / peer, all measured in one run. Not part of CI: it downloads about 3 GB from PyPI
# into a virtual environment the first time (PEERS_VENV, default target/peers-venv).
#
#   bash benches/peers/run.sh                      # MLP and conv, 3 alternating rounds
#   bash benches/peers/run.sh --arch mlp --rounds 5
set -euo pipefail
cd "$(dirname "$0")/../.."

venv="${PEERS_VENV:-target/peers-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch==2.15.0 jax==0.10.2 optax==0.2.8 numpy
fi
cargo build --locked --quiet
"$venv/bin/python" -W ignore benches/peers/peers.py "$@"
