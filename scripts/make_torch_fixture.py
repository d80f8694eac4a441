"""Writes the PyTorch fixture of the import tests (tests/integration/model_exchange.rs):
tests/fixtures/torch_conv_tiny.pt, the `state_dict()` of the reference conv module
(scripts/torch_modules.py) for 8x8 RGB images, base 2 channels, one residual block per stage and
3 latent dimensions, saved by `torch.save`; and tests/fixtures/torch_conv_tiny.json, fixed inputs
and what PyTorch computes for them (encoder mean and log-variance, decoder probabilities).

    python scripts/make_torch_fixture.py
"""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from torch_modules import vae_for  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def main():
    torch.manual_seed(20261206)
    model = vae_for("conv", 3, image_size=8, channels=3, base_channels=2, residual_blocks=1, layout="scaled")
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.05 * torch.randn_like(parameter))
    model.eval()
    images = torch.rand(4, 3, 8, 8)
    latents = torch.randn(5, 3)
    with torch.no_grad():
        mean, log_var = model.encoder(images)
        decoded = torch.sigmoid(model.decoder(latents))
    torch.save(model.state_dict(), FIXTURES / "torch_conv_tiny.pt")
    outputs = {
        "torch_version": torch.__version__,
        "image_shape": list(images.shape),
        "latent_shape": list(latents.shape),
        "images": images.flatten().tolist(),
        "latents": latents.flatten().tolist(),
        "mean": mean.flatten().tolist(),
        "log_var": log_var.flatten().tolist(),
        "decoded": decoded.flatten().tolist(),
    }
    (FIXTURES / "torch_conv_tiny.json").write_text(json.dumps(outputs) + "\n")
    print(f"wrote {FIXTURES / 'torch_conv_tiny.pt'} and its outputs")


if __name__ == "__main__":
    main()
