"""Train vae-explorer's VAE in PyTorch and in JAX and compare images/s with ours, in one run.

The models mirror src/model/mlp.rs and src/model/conv.rs layer for layer; the data is the bundled
MNIST subset (assets/mnist), split 9,001 / 999 like the app; the step is the app's: Bernoulli
reconstruction loss from logits plus the analytic KL, averaged over the batch, one Adam step, and the
batch's loss read back to the host (the app plots it every step).

Run through benches/peers/run.sh, which makes the virtual environment.
"""

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LEARNING_RATE = 1e-3
ADAM_EPSILON = 1e-5  # burn's default, used by the app


def load_bundled_mnist():
    """The bundled digits as float32 [n, 784] in [0, 1]."""
    with gzip.open(os.path.join(ROOT, "assets", "mnist", "train-images-idx3-ubyte.gz")) as file:
        raw = file.read()
    count, rows, cols = (int.from_bytes(raw[at : at + 4], "big") for at in (4, 8, 12))
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    return pixels.astype(np.float32) / 255.0


def batches(images, batch_size, seed):
    """Endless shuffled batches, assembled on the host as the app does."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(images))
        for start in range(0, len(order) - batch_size + 1, batch_size):
            yield images[order[start : start + batch_size]]


def time_steps(step, data, warmup, steps):
    """Seconds per step, after `warmup` untimed steps."""
    for _ in range(warmup):
        step(next(data))
    started = time.perf_counter()
    for _ in range(steps):
        step(next(data))
    return (time.perf_counter() - started) / steps


# ---------------------------------------------------------------- PyTorch


def torch_step(arch, latent, threads):
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    if arch == "mlp":
        encoder = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU())
        heads = nn.Linear(256, 2 * latent)
        decoder = nn.Sequential(
            nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 784)
        )
    else:
        encoder = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.ReLU(),
        )
        heads = nn.Linear(256, 2 * latent)
        decoder = nn.Sequential(
            nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 64 * 7 * 7), nn.ReLU(),
            nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1),
            nn.Flatten(),
        )
    params = [*encoder.parameters(), *heads.parameters(), *decoder.parameters()]
    optimizer = torch.optim.Adam(params, lr=LEARNING_RATE, eps=ADAM_EPSILON)

    def step(batch):
        images = torch.from_numpy(batch)
        mean, log_var = heads(encoder(images)).chunk(2, dim=1)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        logits = decoder(z)
        reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, images, reduction="none").sum(1)
        kl = 0.5 * (mean.pow(2) + log_var.exp() - log_var - 1.0).sum(1)
        loss = (reconstruction + kl).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step, f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads"


# ---------------------------------------------------------------- JAX


def jax_step(arch, latent):
    import jax
    import jax.numpy as jnp
    import optax

    key = jax.random.PRNGKey(0)

    def dense(key, fan_in, fan_out):
        bound = 1.0 / np.sqrt(fan_in)
        w_key, b_key = jax.random.split(key)
        return {
            "w": jax.random.uniform(w_key, (fan_in, fan_out), minval=-bound, maxval=bound),
            "b": jax.random.uniform(b_key, (fan_out,), minval=-bound, maxval=bound),
        }

    def conv(key, c_in, c_out):
        bound = 1.0 / np.sqrt(c_in * 9)
        w_key, b_key = jax.random.split(key)
        return {
            "w": jax.random.uniform(w_key, (3, 3, c_in, c_out), minval=-bound, maxval=bound),
            "b": jax.random.uniform(b_key, (c_out,), minval=-bound, maxval=bound),
        }

    def apply_dense(layer, x):
        return x @ layer["w"] + layer["b"]

    dims = ("NHWC", "HWIO", "NHWC")

    def apply_conv(layer, x):
        y = jax.lax.conv_general_dilated(x, layer["w"], (2, 2), ((1, 1), (1, 1)), dimension_numbers=dims)
        return y + layer["b"]

    def apply_deconv(layer, x):
        # Transposed stride-2 convolution with padding 1 and output padding 1, as in torch and burn.
        y = jax.lax.conv_transpose(x, layer["w"], (2, 2), ((1, 2), (1, 2)), dimension_numbers=dims)
        return y + layer["b"]

    keys = iter(jax.random.split(key, 16))
    relu = jax.nn.relu
    if arch == "mlp":
        params = {
            "e1": dense(next(keys), 784, 512), "e2": dense(next(keys), 512, 256),
            "heads": dense(next(keys), 256, 2 * latent),
            "d1": dense(next(keys), latent, 256), "d2": dense(next(keys), 256, 512),
            "d3": dense(next(keys), 512, 784),
        }

        def encode(p, x):
            return apply_dense(p["heads"], relu(apply_dense(p["e2"], relu(apply_dense(p["e1"], x)))))

        def decode(p, z):
            return apply_dense(p["d3"], relu(apply_dense(p["d2"], relu(apply_dense(p["d1"], z)))))
    else:
        params = {
            "c1": conv(next(keys), 1, 32), "c2": conv(next(keys), 32, 64),
            "e1": dense(next(keys), 64 * 7 * 7, 256), "heads": dense(next(keys), 256, 2 * latent),
            "d1": dense(next(keys), latent, 256), "d2": dense(next(keys), 256, 64 * 7 * 7),
            "t1": conv(next(keys), 64, 32), "t2": conv(next(keys), 32, 1),
        }

        def encode(p, x):
            maps = relu(apply_conv(p["c1"], x.reshape(-1, 28, 28, 1)))
            maps = relu(apply_conv(p["c2"], maps))
            hidden = relu(apply_dense(p["e1"], maps.reshape(maps.shape[0], -1)))
            return apply_dense(p["heads"], hidden)

        def decode(p, z):
            hidden = relu(apply_dense(p["d2"], relu(apply_dense(p["d1"], z))))
            maps = relu(apply_deconv(p["t1"], hidden.reshape(-1, 7, 7, 64)))
            return apply_deconv(p["t2"], maps).reshape(z.shape[0], -1)

    def loss_fn(p, images, noise_key):
        mean, log_var = jnp.split(encode(p, images), 2, axis=1)
        z = mean + jnp.exp(0.5 * log_var) * jax.random.normal(noise_key, mean.shape)
        logits = decode(p, z)
        reconstruction = optax.sigmoid_binary_cross_entropy(logits, images).sum(1)
        kl = 0.5 * (mean**2 + jnp.exp(log_var) - log_var - 1.0).sum(1)
        return (reconstruction + kl).mean()

    optimizer = optax.adam(LEARNING_RATE, eps=ADAM_EPSILON)

    @jax.jit
    def train_step(p, opt_state, images, noise_key):
        loss, grads = jax.value_and_grad(loss_fn)(p, images, noise_key)
        updates, opt_state = optimizer.update(grads, opt_state, p)
        return optax.apply_updates(p, updates), opt_state, loss

    state = {"params": params, "opt": optimizer.init(params), "key": jax.random.PRNGKey(1)}

    def step(batch):
        state["key"], noise_key = jax.random.split(state["key"])
        state["params"], state["opt"], loss = train_step(state["params"], state["opt"], batch, noise_key)
        return float(loss)

    return step, f"JAX {jax.__version__} (XLA CPU)"


# ---------------------------------------------------------------- ours


def ours(binary, arch, batch_size, warmup, steps):
    """images/s from `vae-explorer bench` on the CPU device, and its device line."""
    command = [binary, "bench", "--devices", "cpu", "--arch", arch, "--batch-size", str(batch_size),
               "--warmup-steps", str(warmup), "--steps", str(steps)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(rf"^cpu\s+{arch}\s+(\d+) images/s", output, re.MULTILINE)
    if not match:
        sys.exit(f"could not read images/s from: {' '.join(command)}\n{output}")
    return float(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "vae-explorer"))
    parser.add_argument("--arch", default="mlp,conv")
    parser.add_argument("--peers", default="torch,jax")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--latent-dim", type=int, default=2)
    parser.add_argument("--warmup-steps", type=int, default=20)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median is reported")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    images = load_bundled_mnist()[:9001]
    print(f"training images/s, bundled MNIST, batch {args.batch_size}, latent {args.latent_dim}, "
          f"{args.rounds} rounds of {args.steps} steps (median), {os.cpu_count()} cores")
    for arch in args.arch.split(","):
        steps = args.steps if arch == "mlp" else max(args.steps // 5, 20)
        makers = {"torch": lambda: torch_step(arch, args.latent_dim, args.threads),
                  "jax": lambda: jax_step(arch, args.latent_dim)}
        peers = {name: makers[name]() for name in args.peers.split(",")}
        rates = {"vae-explorer": [], **{name: [] for name in peers}}
        for round_index in range(args.rounds):
            rates["vae-explorer"].append(ours(args.binary, arch, args.batch_size, args.warmup_steps, steps))
            for name, (step, _) in peers.items():
                data = batches(images, args.batch_size, seed=round_index)
                seconds = time_steps(step, data, args.warmup_steps, steps)
                rates[name].append(args.batch_size / seconds)
        ours_rate = statistics.median(rates["vae-explorer"])
        print(f"{arch}: vae-explorer (burn Flex) {ours_rate:9.0f} images/s  rounds {rates['vae-explorer']}")
        for name, (_, label) in peers.items():
            rate = statistics.median(rates[name])
            print(f"{arch}: {label:<30} {rate:9.0f} images/s  ratio ours/peer {ours_rate / rate:.2f}"
                  f"  rounds {[round(r) for r in rates[name]]}")


if __name__ == "__main__":
    main()
