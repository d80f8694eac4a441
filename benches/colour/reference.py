"""The colour reference: the conv VAE every PyTorch tutorial uses, trained on the app's own split.

The model is the tutorial's: four stride-2 4×4 convolutions (32-64-128-256 channels, padding 1,
ReLU), the latent's mean and log-variance read straight off the flattened 4×4×256 features by one
linear layer each, and the mirror image back: one linear layer to 4×4×256, four stride-2 4×4
transposed convolutions (256-128-64-32-channels, ReLU between), logits out. The objective is the
app's default for pictures (Bernoulli cross-entropy from logits summed over pixels, plus the
analytic KL to N(0, I), averaged over the batch; β = 1); Adam at 1e-3, batch 64, no schedule.

The data comes from a folder written by `vae-explorer split --data PICTURES --channels 3`, so it is
exactly the app's split of the same pictures. Held-out figures are computed as the app computes
them (src/training/heldout_quality.rs): −ELBO with one posterior sample per image; MSE over all
values of the reconstructions of the encoder means, PSNR of that MSE, and the mean SSIM per image
(scikit-image, Gaussian window σ 1.5, as tests/fixtures/ssim.json checks for the app).

Prints one JSON line. Run through benches/colour/run.sh.
"""

import argparse
import json
import math
import os
import time

import numpy as np
import torch
from skimage.metrics import structural_similarity
from torch import nn

EVAL_BATCH = 500
FEATURES = 256 * 4 * 4


def read_idx(path):
    """The payload of an uncompressed IDX file of unsigned bytes, shaped by its header."""
    with open(path, "rb") as file:
        raw = file.read()
    if raw[0:3] != b"\x00\x00\x08":
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(folder):
    """(train, held-out) as float32 [n, channels, 64, 64] in [0, 1] (byte / 255, as the app does)."""
    def images(name):
        pixels = read_idx(os.path.join(folder, name))
        if pixels.ndim != 4 or pixels.shape[2:] != (64, 64):
            raise SystemExit(f"{name}: expected [n, channels, 64, 64] images, found {list(pixels.shape)}")
        return torch.from_numpy(pixels.astype(np.float32) / 255.0)

    return images("train-images-idx4-ubyte"), images("t10k-images-idx4-ubyte")


class TutorialVae(nn.Module):
    def __init__(self, channels, latent):
        super().__init__()
        widths = [channels, 32, 64, 128, 256]
        down = []
        for inputs, outputs in zip(widths, widths[1:]):
            down += [nn.Conv2d(inputs, outputs, 4, 2, 1), nn.ReLU()]
        self.encoder = nn.Sequential(*down, nn.Flatten())
        self.mean = nn.Linear(FEATURES, latent)
        self.log_var = nn.Linear(FEATURES, latent)
        self.expand = nn.Linear(latent, FEATURES)
        up = []
        backwards = widths[::-1]
        for index, (inputs, outputs) in enumerate(zip(backwards, backwards[1:])):
            up.append(nn.ConvTranspose2d(inputs, outputs, 4, 2, 1))
            if index < len(backwards) - 2:
                up.append(nn.ReLU())
        self.decoder = nn.Sequential(*up)

    def encode(self, images):
        features = self.encoder(images)
        return self.mean(features), self.log_var(features)

    def decode_logits(self, z):
        return self.decoder(self.expand(z).view(-1, 256, 4, 4))

    def loss_terms(self, images):
        """Per-image reconstruction and KL, in nats: ([batch], [batch])."""
        mean, log_var = self.encode(images)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        logits = self.decode_logits(z)
        reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, images, reduction="none")
        kl = 0.5 * (mean.pow(2) + log_var.exp() - log_var - 1.0).sum(1)
        return reconstruction.flatten(1).sum(1), kl


def heldout_figures(model, heldout):
    """Held-out −ELBO parts (one sample) and the quality of the means' reconstructions."""
    reconstruction_sum = kl_sum = squared_error_sum = ssim_sum = 0.0
    with torch.no_grad():
        for start in range(0, len(heldout), EVAL_BATCH):
            batch = heldout[start : start + EVAL_BATCH]
            reconstruction, kl = model.loss_terms(batch)
            reconstruction_sum += reconstruction.double().sum().item()
            kl_sum += kl.double().sum().item()
            mean, _ = model.encode(batch)
            decoded = torch.sigmoid(model.decode_logits(mean))
            squared_error_sum += (decoded - batch).double().pow(2).sum().item()
            for original, rebuilt in zip(batch.numpy(), decoded.numpy()):
                ssim_sum += float(structural_similarity(
                    np.moveaxis(original, 0, -1), np.moveaxis(rebuilt, 0, -1), gaussian_weights=True,
                    sigma=1.5, use_sample_covariance=False, data_range=1.0, channel_axis=-1))
    count = len(heldout)
    mse = squared_error_sum / heldout[0].numel() / count
    return {
        "heldout_neg_elbo_nats": (reconstruction_sum + kl_sum) / count,
        "heldout_recon_nats": reconstruction_sum / count,
        "heldout_kl_nats": kl_sum / count,
        "heldout_mse": mse,
        "heldout_psnr_db": 10 * math.log10(1 / mse),
        "heldout_ssim": ssim_sum / count,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder written by `vae-explorer split`")
    parser.add_argument("--latent-dim", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train, heldout = load_split(args.data)
    model = TutorialVae(train.shape[1], args.latent_dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    order_generator = torch.Generator().manual_seed(args.seed)
    started = time.perf_counter()
    for _ in range(args.epochs):
        order = torch.randperm(len(train), generator=order_generator)
        for start in range(0, len(train), args.batch_size):
            reconstruction, kl = model.loss_terms(train[order[start : start + args.batch_size]])
            loss = (reconstruction + kl).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    train_secs = time.perf_counter() - started
    figures = heldout_figures(model, heldout)
    print(json.dumps({
        "system": f"PyTorch {torch.__version__}",
        "model": "tutorial conv (4×4 stride-2 32-64-128-256, latent off the 4×4×256 features)",
        "latent_dim": args.latent_dim,
        "seed": args.seed,
        "epochs": args.epochs,
        "train_images": len(train),
        "heldout_images": len(heldout),
        "train_secs": train_secs,
        **figures,
    }))


if __name__ == "__main__":
    main()
