"""Prints the recipe comparison written by benches/recipe/run.sh as a Markdown table."""

import argparse
import json
import os
import statistics


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ours", required=True, help="folder of our runs, l{latent}-s{seed}/metrics.json")
    parser.add_argument("--reference", required=True, help="folder of l{latent}-s{seed}-e{epochs}.json")
    parser.add_argument("--latents", required=True)
    parser.add_argument("--seeds", required=True)
    parser.add_argument("--epochs", required=True)
    args = parser.parse_args()

    with open(os.path.join(args.ours, "train-options.txt")) as file:
        options = file.read().strip() or "(defaults)"
    print(f"ours: vae-explorer train {options}; held-out -ELBO in nats after {args.epochs} epochs\n")
    print("| latent | seed | vae-explorer | PyTorch | ours / PyTorch |")
    print("|---|---|---|---|---|")
    for latent in args.latents.split(","):
        ours_values, reference_values = [], []
        for seed in args.seeds.split(","):
            run = f"l{latent}-s{seed}"
            with open(os.path.join(args.ours, run, "metrics.json")) as file:
                ours = json.load(file)["final"]["heldout_neg_elbo_nats"]
            with open(os.path.join(args.reference, f"{run}-e{args.epochs}.json")) as file:
                reference = json.load(file)["heldout_neg_elbo_nats"]
            ours_values.append(ours)
            reference_values.append(reference)
            print(f"| {latent} | {seed} | {ours:.2f} | {reference:.2f} | {ours / reference:.3f} |")
        ours_mean, reference_mean = statistics.mean(ours_values), statistics.mean(reference_values)
        print(f"| **{latent}** | **mean** | **{ours_mean:.2f}** | **{reference_mean:.2f}** "
              f"| **{ours_mean / reference_mean:.3f}** |")


if __name__ == "__main__":
    main()
