#!/usr/bin/env python3
"""Writes tests/fixtures/lpips.json and tests/fixtures/lpips_wrong_shapes.pth. The JSON holds image pairs with the shift-tolerant LPIPS distance computed by
the `stlpips-pytorch` package's own PyTorch code, `LPIPS(net='alex', variant='shift_tolerant')`
called with `normalize=True` (inputs in [0, 1]).

The .pth holds every tensor name of the real weights file with a wrong shape (small: a
hostile-input test checks the loader names them). The Rust test (tests/integration/lpips.rs) recomputes each distance with the weights that
scripts/fetch_lpips.sh fetches and compares. Run from the repository root with torch and the
package installed (`pip install torch stlpips-pytorch==0.0.2`):
    python3 scripts/lpips_fixtures.py
The package imports torchvision, IPython and torchsummary at the top of its modules without using
them for this network; where they are not installed they are stubbed.
"""
import importlib.util
import json
import os
import sys
import types

import numpy as np
import torch


def stub_unused_imports():
    """Empty stand-ins for the package's imports this network never calls."""
    for name, attributes in [("torchvision", {}), ("IPython", {"embed": lambda *a, **k: None}),
                             ("torchsummary", {"summary": lambda *a, **k: None})]:
        if importlib.util.find_spec(name) is None:
            module = types.ModuleType(name)
            module.__dict__.update(attributes)
            sys.modules[name] = module
    if "torchvision" in sys.modules and not hasattr(sys.modules["torchvision"], "models"):
        sys.modules["torchvision"].models = types.ModuleType("torchvision.models")


def pair(rng, channels, height, width, noise, shift_px):
    """A smooth image and a shifted, noisy copy, 8-bit levels in [0, 1], planar."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    base = np.stack([0.5 + 0.45 * np.sin(x / (2 + c) + y / (3 + c)) * np.cos(y / (5 + c)) for c in range(channels)])
    other = np.roll(base, shift_px, axis=2) + rng.normal(0, noise, base.shape)
    return np.round(base * 255) / 255, np.round(np.clip(other, 0, 1) * 255) / 255


def main():
    stub_unused_imports()
    from stlpips_pytorch import stlpips
    from importlib.metadata import version

    model = stlpips.LPIPS(net="alex", variant="shift_tolerant", verbose=False)
    rng = np.random.default_rng(25)
    cases = []
    for channels, height, width, noise, shift_px in [(3, 64, 64, 0.05, 1), (3, 64, 64, 0.3, 0), (1, 28, 28, 0.1, 1),
                                                     (3, 21, 21, 0.2, 0), (3, 24, 40, 0.1, 2), (3, 32, 32, 0.0, 0)]:
        a, b = pair(rng, channels, height, width, noise, shift_px)
        as_rgb = (lambda image: np.repeat(image, 3, axis=0)) if channels == 1 else (lambda image: image)
        ta = torch.tensor(as_rgb(a)[None], dtype=torch.float32)
        tb = torch.tensor(as_rgb(b)[None], dtype=torch.float32)
        with torch.no_grad():
            distance = model(ta, tb, normalize=True).item()
        cases.append({
            "shape": [channels, height, width],
            "a_u8_hex": bytes(int(v) for v in np.round(a.ravel() * 255)).hex(),
            "b_u8_hex": bytes(int(v) for v in np.round(b.ravel() * 255)).hex(),
            "lpips": distance,
        })
    fixture = {
        "made_by": f"scripts/lpips_fixtures.py with stlpips-pytorch {version('stlpips-pytorch')} and torch {torch.__version__}",
        "cases": cases,
    }
    with open("tests/fixtures/lpips.json", "w") as out:
        json.dump(fixture, out)
    write_wrong_shapes(os.path.join(os.path.dirname(stlpips.__file__), "weights", "vST0.0", "alex_shift_tolerant.pth"))


def write_wrong_shapes(weights_path):
    """The weights file's names, each tensor with its last dimension changed (and few rows)."""
    state = {}
    for name, tensor in torch.load(weights_path, map_location="cpu").items():
        shape = list(tensor.shape)
        shape[-1] = 1 if shape[-1] > 1 else 2
        state[name] = torch.zeros([min(size, 4) if i == 0 and len(shape) > 1 else size
                                   for i, size in enumerate(shape)])
    torch.save(state, "tests/fixtures/lpips_wrong_shapes.pth")


if __name__ == "__main__":
    main()
