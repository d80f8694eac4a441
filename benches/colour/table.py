"""Prints the colour comparison written by benches/colour/run.sh as a Markdown table."""

import argparse
import json
import os
import re
import statistics


def ours_figures(folder, run):
    """Held-out −ELBO, PSNR and SSIM from `vae-explorer eval`'s lines, and the seconds spent in the
    training steps (metrics.json's per-epoch `train_secs`, as the reference times its own loop)."""
    with open(os.path.join(folder, f"{run}.eval")) as file:
        text = file.read()
    neg_elbo = float(re.search(r"held-out -ELBO: (-?[0-9.]+) nats", text).group(1))
    psnr = float(re.search(r"PSNR: ([0-9.]+) dB", text).group(1))
    ssim = float(re.search(r"SSIM: ([0-9.]+)", text).group(1))
    with open(os.path.join(folder, run, "metrics.json")) as file:
        secs = sum(epoch["train_secs"] for epoch in json.load(file)["epochs"])
    return neg_elbo, psnr, ssim, secs


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ours", required=True, help="folder of our runs: l{latent}-s{seed}/metrics.json and l{latent}-s{seed}.eval")
    parser.add_argument("--reference", required=True, help="folder of {data}-l{latent}-s{seed}-e{epochs}.json")
    parser.add_argument("--data-name", required=True)
    parser.add_argument("--latent", required=True)
    parser.add_argument("--seeds", required=True)
    parser.add_argument("--epochs", required=True)
    args = parser.parse_args()

    with open(os.path.join(args.ours, "train-options.txt")) as file:
        options = file.read().strip() or "(defaults)"
    print(f"ours: vae-explorer train --arch conv {options}; {args.data_name}, latent {args.latent}, "
          f"held-out figures after {args.epochs} epochs\n")
    print("| seed | system | −ELBO (nats) | PSNR (dB) | SSIM | train (s) |")
    print("|---|---|---|---|---|---|")
    columns = {"ours": [], "PyTorch tutorial": []}
    for seed in args.seeds.split(","):
        run = f"l{args.latent}-s{seed}"
        ours = ours_figures(args.ours, run)
        with open(os.path.join(args.reference, f"{args.data_name}-{run}-e{args.epochs}.json")) as file:
            reference = json.load(file)
        theirs = (reference["heldout_neg_elbo_nats"], reference["heldout_psnr_db"], reference["heldout_ssim"],
                  reference["train_secs"])
        for name, figures in [("ours", ours), ("PyTorch tutorial", theirs)]:
            columns[name].append(figures)
            print(f"| {seed} | {name} | {figures[0]:.1f} | {figures[1]:.2f} | {figures[2]:.4f} | {figures[3]:.0f} |")
    means = {name: [statistics.mean(values) for values in zip(*rows)] for name, rows in columns.items()}
    for name, mean in means.items():
        print(f"| **mean** | **{name}** | **{mean[0]:.1f}** | **{mean[1]:.2f}** | **{mean[2]:.4f}** "
              f"| **{mean[3]:.0f}** |")
    ours, theirs = means["ours"], means["PyTorch tutorial"]
    # A Gaussian or Laplace likelihood is a density over continuous values: its −ELBO is on another
    # scale than the Bernoulli one the reference is scored with.
    same_likelihood = re.search(r"--loss\s+(mse|l1)\b", options) is None
    elbo = f"−ELBO ratio {ours[0] / theirs[0]:.3f}" if same_likelihood else "−ELBO not comparable (another likelihood)"
    print(f"\nours − PyTorch: PSNR {ours[1] - theirs[1]:+.2f} dB, SSIM {ours[2] - theirs[2]:+.4f}; "
          f"{elbo}; training time ratio {ours[3] / theirs[3]:.2f}")


if __name__ == "__main__":
    main()
