#!/usr/bin/env python3
"""Writes tests/fixtures/ssim.json: image pairs with scikit-image's SSIM, MSE and PSNR.

The Rust tests (tests/integration/quality.rs) recompute each figure and compare. Run from the
repository root with scikit-image installed (`pip install scikit-image==0.25.2`):
    python3 scripts/ssim_fixtures.py
"""
import json

import numpy as np
import skimage
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity


def pair(rng, channels, height, width, noise):
    """A smooth image and a noisy, slightly shifted copy, 8-bit levels in [0, 1], planar."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([0.5 + 0.5 * np.sin(x / (3 + c) + y / (4 + c)) for c in range(channels)])
    other = np.roll(base, 1, axis=2) + rng.normal(0, noise, base.shape)
    return np.round(base * 255) / 255, np.round(np.clip(other, 0, 1) * 255) / 255


def main():
    rng = np.random.default_rng(7)
    cases = []
    for channels, height, width, noise in [(1, 28, 28, 0.05), (1, 28, 28, 0.3), (1, 11, 11, 0.1),
                                           (1, 20, 32, 0.1), (3, 16, 16, 0.1), (3, 64, 64, 0.2)]:
        a, b = pair(rng, channels, height, width, noise)
        hwc_a, hwc_b = np.moveaxis(a, 0, -1), np.moveaxis(b, 0, -1)
        ssim = structural_similarity(hwc_a, hwc_b, gaussian_weights=True, sigma=1.5,
                                     use_sample_covariance=False, data_range=1.0, channel_axis=-1)
        cases.append({
            "shape": [channels, height, width],
            "a_u8": [int(v) for v in np.round(a.ravel() * 255)],
            "b_u8": [int(v) for v in np.round(b.ravel() * 255)],
            "ssim": float(ssim),
            "mse": float(mean_squared_error(a, b)),
            "psnr_db": float(peak_signal_noise_ratio(a, b, data_range=1.0)),
        })
    fixture = {"made_by": f"scripts/ssim_fixtures.py with scikit-image {skimage.__version__}", "cases": cases}
    with open("tests/fixtures/ssim.json", "w") as out:
        json.dump(fixture, out)


if __name__ == "__main__":
    main()
