"""The reference for vae-explorer's default training recipe: the same MLP VAE trained in plain PyTorch.

Plain means PyTorch's defaults everywhere: nn.Linear's own initialisation, torch.optim.Adam with
lr 1e-3 (betas 0.9/0.999, eps 1e-8), batch 128, no schedule, no warm-up. The model mirrors
src/model/mlp.rs layer for layer (784-512-256 encoder with separate mean and log-variance heads,
latent-256-512-784 decoder, ReLU), the objective is the app's (Bernoulli reconstruction loss from
logits summed over pixels, plus the analytic KL to N(0, I), averaged over the batch; β = 1).

The data is read from a folder written by `vae-explorer split`, so it is exactly the app's split.
Each epoch visits the training images in a fresh random order in batches of 128, the last one
smaller (as the app does). The held-out −ELBO is computed as src/training/evaluate.rs computes it:
for every held-out image, one z drawn from q(z | x) with the reparameterisation trick, BCE summed
over pixels plus the analytic KL, then the mean over the images, in nats.

Prints one JSON line. Run through benches/recipe/run.sh.
"""

import argparse
import json
import os

import numpy as np
import torch
from torch import nn

EVAL_BATCH = 1000


def read_idx(path, magic):
    """The payload of an uncompressed IDX file as uint8, shaped by its header."""
    with open(path, "rb") as file:
        raw = file.read()
    found = int.from_bytes(raw[0:4], "big")
    if found != magic:
        raise SystemExit(f"{path}: magic number {found:#x}, expected {magic:#x}")
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(folder):
    """(train, held-out) images as float32 [n, 784] in [0, 1] (byte / 255, as the app does)."""
    def images(name):
        pixels = read_idx(os.path.join(folder, name), 0x0803)
        return torch.from_numpy(pixels.reshape(len(pixels), -1).astype(np.float32) / 255.0)

    return images("train-images-idx3-ubyte"), images("t10k-images-idx3-ubyte")


class Vae(nn.Module):
    def __init__(self, pixels, latent):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(pixels, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU())
        self.mean = nn.Linear(256, latent)
        self.log_var = nn.Linear(256, latent)
        self.decoder = nn.Sequential(
            nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, pixels)
        )

    def loss_terms(self, images):
        """Per-image reconstruction and KL, in nats: ([batch], [batch])."""
        hidden = self.encoder(images)
        mean, log_var = self.mean(hidden), self.log_var(hidden)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        logits = self.decoder(z)
        reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, images, reduction="none").sum(1)
        kl = 0.5 * (mean.pow(2) + log_var.exp() - log_var - 1.0).sum(1)
        return reconstruction, kl


def heldout_terms(model, heldout):
    """Mean reconstruction and KL per held-out image, one posterior sample each."""
    reconstruction_sum, kl_sum = 0.0, 0.0
    with torch.no_grad():
        for start in range(0, len(heldout), EVAL_BATCH):
            reconstruction, kl = model.loss_terms(heldout[start : start + EVAL_BATCH])
            reconstruction_sum += reconstruction.double().sum().item()
            kl_sum += kl.double().sum().item()
    return reconstruction_sum / len(heldout), kl_sum / len(heldout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder written by `vae-explorer split`")
    parser.add_argument("--latent-dim", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train, heldout = load_split(args.data)
    model = Vae(train.shape[1], args.latent_dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    order_generator = torch.Generator().manual_seed(args.seed)
    for _ in range(args.epochs):
        order = torch.randperm(len(train), generator=order_generator)
        for start in range(0, len(train), args.batch_size):
            reconstruction, kl = model.loss_terms(train[order[start : start + args.batch_size]])
            loss = (reconstruction + kl).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    reconstruction, kl = heldout_terms(model, heldout)
    print(json.dumps({
        "system": f"PyTorch {torch.__version__}",
        "latent_dim": args.latent_dim,
        "seed": args.seed,
        "epochs": args.epochs,
        "heldout_neg_elbo_nats": reconstruction + kl,
        "heldout_recon_nats": reconstruction,
        "heldout_kl_nats": kl,
    }))


if __name__ == "__main__":
    main()
