#!/usr/bin/env bash
# Trains vae-explorer's VAE in PyTorch and JAX and prints images/s beside ours, with the ratio
# ours / peer, all measured in one run: the MLP and the conv on the bundled digits, and the conv on
# 64×64 RGB synthetic images. Not part of CI: it downloads about 3 GB from PyPI into a virtual
# environment the first time (PEERS_VENV, default target/peers-venv). The binary is built in
# CARGO_TARGET_DIR when set (else target/).
#
#   bash benches/peers/run.sh                                    # every model, 3 alternating rounds
#   bash benches/peers/run.sh --arch mlp --rounds 5
#   bash benches/peers/run.sh --models conv@64x64x3 --peers torch --residual-blocks 1
set -euo pipefail
cd "$(dirname "$0")/../.."

venv="${PEERS_VENV:-target/peers-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch==2.15.0 jax==0.10.2 optax==0.2.8 numpy
fi
cargo build --locked --quiet
binary="${CARGO_TARGET_DIR:-target}/debug/vae-explorer"
"$venv/bin/python" -W ignore benches/peers/peers.py --binary "$binary" "$@"
