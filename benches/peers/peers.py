"""Train vae-explorer's VAE in PyTorch and in JAX and compare images/s with ours, in one run.

The models mirror src/model/mlp.rs and src/model/conv/ layer for layer (the conv's stride-2 stages
down to about 4×4, channels doubling from --base-channels up to 256, --residual-blocks per stage,
output padding chosen per stage, in either --conv-layout: `direct`, the app's default, with 4×4
kernels and the latent read straight off the last map, or `scaled`, with 3×3 kernels and a 256-unit
dense layer both ways); the data is the bundled MNIST subset (assets/mnist), split
9,001 / 999 like the app, for 28x28x1, and synthetic images for any other shape (as `vae-explorer
bench` makes them); the step is the app's: Bernoulli reconstruction loss from logits plus the
analytic KL, averaged over the batch, one Adam step, and the batch's loss read back to the host (the
app plots it every step).

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


def synthetic_images(shape, count, seed):
    """Smooth bands of `shape` (height, width, channels) as float32 [count, c·h·w], planar."""
    height, width, channels = shape
    rng = np.random.default_rng(seed)
    across, down, phase = (rng.uniform(0, high, (count, channels, 1, 1)) for high in (0.5, 0.5, 6.3))
    rows = np.arange(height, dtype=np.float32).reshape(1, 1, height, 1)
    columns = np.arange(width, dtype=np.float32).reshape(1, 1, 1, width)
    images = 0.5 + 0.5 * np.sin(across * columns + down * rows + phase)
    return np.floor(images * 255.0).astype(np.float32).reshape(count, -1) / 255.0


def conv_stages(shape, base, layout):
    """(channels_in, channels_out, side_in, side_out) per stage, as src/model/conv/layout.rs plans them."""
    height, width, channels = shape
    stages, side = [], (height, width)
    while True:
        if layout == "direct":
            done = max(side) <= 4 or min(side) < 2
        else:
            done = stages and max(side) <= 4
        if done:
            return stages
        out = min(base * 2 ** len(stages), max(256, base))
        if layout == "direct":
            side_out = tuple(length // 2 for length in side)
        else:
            side_out = tuple((length + 1) // 2 for length in side)
        stages.append((channels, out, side, side_out))
        side, channels = side_out, out


def kernel_side(layout):
    return 4 if layout == "direct" else 3


def output_padding(stage, layout):
    """The transposed convolution's output padding that gives back the stage's input size."""
    rebuilt = [2 * side_out + kernel_side(layout) - 4 for side_out in stage[3]]
    return tuple(side_in - length for side_in, length in zip(stage[2], rebuilt))


def parse_shape(text):
    height, width, channels = (int(part) for part in text.split("x"))
    return height, width, channels


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


def torch_step(arch, shape, latent, base, blocks, layout, threads):
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    class Residual(nn.Module):
        """relu(x + conv(relu(conv(x)))), as src/model/conv/blocks.rs."""

        def __init__(self, channels):
            super().__init__()
            self.first = nn.Conv2d(channels, channels, 3, padding=1)
            self.second = nn.Conv2d(channels, channels, 3, padding=1)

        def forward(self, x):
            return torch.relu(x + self.second(torch.relu(self.first(x))))

    height, width, channels = shape
    values = height * width * channels
    if arch == "mlp":
        encoder = nn.Sequential(nn.Linear(values, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU())
        heads = nn.Linear(256, 2 * latent)
        decoder = nn.Sequential(
            nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, values)
        )
    else:
        stages = conv_stages(shape, base, layout)
        features = stages[-1][1], *stages[-1][3]
        feature_values = int(np.prod(features))
        kernel = kernel_side(layout)
        down = [nn.Unflatten(1, (channels, height, width))]
        for c_in, c_out, _, _ in stages:
            down += [nn.Conv2d(c_in, c_out, kernel, stride=2, padding=1), nn.ReLU()]
            down += [Residual(c_out) for _ in range(blocks)]
        if layout == "direct":
            # The latent's mean and log-variance straight off the last map; one linear layer back.
            encoder = nn.Sequential(*down, nn.Flatten())
            heads = nn.Linear(feature_values, 2 * latent)
            up = [nn.Linear(latent, feature_values), nn.Unflatten(1, features)]
        else:
            encoder = nn.Sequential(*down, nn.Flatten(), nn.Linear(feature_values, 256), nn.ReLU())
            heads = nn.Linear(256, 2 * latent)
            up = [nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, feature_values), nn.ReLU(),
                  nn.Unflatten(1, features)]
        for index, stage in enumerate(reversed(stages)):
            c_in, c_out = stage[0], stage[1]
            up += [Residual(c_out) for _ in range(blocks)]
            up.append(nn.ConvTranspose2d(c_out, c_in, kernel, stride=2, padding=1,
                                         output_padding=output_padding(stage, layout)))
            if index < len(stages) - 1:
                up.append(nn.ReLU())
        decoder = nn.Sequential(*up, nn.Flatten())
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


def jax_step(arch, shape, latent, base, blocks, layout):
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

    def conv(key, c_in, c_out, side=3):
        bound = 1.0 / np.sqrt(c_in * side * side)
        w_key, b_key = jax.random.split(key)
        return {
            "w": jax.random.uniform(w_key, (side, side, c_in, c_out), minval=-bound, maxval=bound),
            "b": jax.random.uniform(b_key, (c_out,), minval=-bound, maxval=bound),
        }

    def apply_dense(layer, x):
        return x @ layer["w"] + layer["b"]

    dims = ("NHWC", "HWIO", "NHWC")

    def apply_conv(layer, x, stride=2):
        y = jax.lax.conv_general_dilated(x, layer["w"], (stride, stride), ((1, 1), (1, 1)), dimension_numbers=dims)
        return y + layer["b"]

    def apply_deconv(layer, x, padding_out):
        # Transposed stride-2 convolution with padding 1 and output padding (0 or 1 per side), as in
        # torch and burn: lax pads the dilated input by k - 1 - p before and that plus the output padding after.
        before = layer["w"].shape[0] - 2
        padding = tuple((before, before + extra) for extra in padding_out)
        y = jax.lax.conv_transpose(x, layer["w"], (2, 2), padding, dimension_numbers=dims)
        return y + layer["b"]

    def apply_residual(block, x):
        return relu(x + apply_conv(block[1], relu(apply_conv(block[0], x, 1)), 1))

    height, width, channels = shape
    values = height * width * channels
    keys = iter(jax.random.split(key, 256))
    relu = jax.nn.relu
    if arch == "mlp":
        params = {
            "e1": dense(next(keys), values, 512), "e2": dense(next(keys), 512, 256),
            "heads": dense(next(keys), 256, 2 * latent),
            "d1": dense(next(keys), latent, 256), "d2": dense(next(keys), 256, 512),
            "d3": dense(next(keys), 512, values),
        }

        def encode(p, x):
            return apply_dense(p["heads"], relu(apply_dense(p["e2"], relu(apply_dense(p["e1"], x)))))

        def decode(p, z):
            return apply_dense(p["d3"], relu(apply_dense(p["d2"], relu(apply_dense(p["d1"], z)))))
    else:
        # Images arrive NHWC-flattened (the host transposes them once), so no transpose runs per step.
        stages = conv_stages(shape, base, layout)
        features = stages[-1][1], *stages[-1][3]
        feature_values = int(np.prod(features))
        kernel = kernel_side(layout)
        direct = layout == "direct"
        residual = lambda c: [conv(next(keys), c, c), conv(next(keys), c, c)]
        params = {
            "down": [conv(next(keys), c_in, c_out, kernel) for c_in, c_out, _, _ in stages],
            "down_blocks": [[residual(c_out) for _ in range(blocks)] for _, c_out, _, _ in stages],
            "up_blocks": [[residual(stage[1]) for _ in range(blocks)] for stage in reversed(stages)],
            "up": [conv(next(keys), stage[1], stage[0], kernel) for stage in reversed(stages)],
        }
        if direct:
            params["heads"] = dense(next(keys), feature_values, 2 * latent)
            params["d2"] = dense(next(keys), latent, feature_values)
        else:
            params["e1"] = dense(next(keys), feature_values, 256)
            params["heads"] = dense(next(keys), 256, 2 * latent)
            params["d1"] = dense(next(keys), latent, 256)
            params["d2"] = dense(next(keys), 256, feature_values)

        def encode(p, x):
            maps = x.reshape(-1, height, width, channels)
            for layer, stage_blocks in zip(p["down"], p["down_blocks"]):
                maps = relu(apply_conv(layer, maps))
                for block in stage_blocks:
                    maps = apply_residual(block, maps)
            flat = maps.reshape(maps.shape[0], -1)
            hidden = flat if direct else relu(apply_dense(p["e1"], flat))
            return apply_dense(p["heads"], hidden)

        def decode(p, z):
            if direct:
                hidden = apply_dense(p["d2"], z)
            else:
                hidden = relu(apply_dense(p["d2"], relu(apply_dense(p["d1"], z))))
            maps = hidden.reshape(-1, features[1], features[2], features[0])
            for index, (stage, layer, stage_blocks) in enumerate(zip(reversed(stages), p["up"], p["up_blocks"])):
                for block in stage_blocks:
                    maps = apply_residual(block, maps)
                maps = apply_deconv(layer, maps, output_padding(stage, layout))
                if index < len(stages) - 1:
                    maps = relu(maps)
            return maps.reshape(z.shape[0], -1)

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


def ours(binary, arch, shape, args, steps):
    """images/s from `vae-explorer bench` on the CPU device."""
    shape_name = "x".join(str(part) for part in shape)
    command = [binary, "bench", "--devices", "cpu", "--arch", arch, "--shapes", shape_name,
               "--batch-size", str(args.batch_size), "--latent-dim", str(args.latent_dim),
               "--base-channels", str(args.base_channels), "--residual-blocks", str(args.residual_blocks),
               "--conv-layout", args.conv_layout,
               "--warmup-steps", str(args.warmup_steps), "--steps", str(steps)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(rf"^cpu\s+{arch}\s+{shape_name}\s+([0-9.]+) images/s", output, re.MULTILINE)
    if not match:
        sys.exit(f"could not read images/s from: {' '.join(command)}\n{output}")
    return float(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--binary", default=os.path.join(target, "debug", "vae-explorer"))
    parser.add_argument("--models", default="mlp@28x28x1,conv@28x28x1,conv@64x64x3",
                        help="ARCH@HEIGHTxWIDTHxCHANNELS, comma-separated; 28x28x1 trains on the bundled digits")
    parser.add_argument("--arch", default="mlp,conv", help="keep only the models of these architectures")
    parser.add_argument("--peers", default="torch,jax")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--latent-dim", type=int, default=2)
    parser.add_argument("--base-channels", type=int, default=32)
    parser.add_argument("--residual-blocks", type=int, default=0)
    parser.add_argument("--conv-layout", choices=["direct", "scaled"], default="direct",
                        help="the conv's plan, as the app's --conv-layout (direct: the default for new runs)")
    parser.add_argument("--warmup-steps", type=int, default=20)
    parser.add_argument("--steps", type=int, default=300, help="steps of the MLP; the convs run fewer (as costly)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median is reported")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    models = [(arch, parse_shape(shape)) for arch, shape in (model.split("@") for model in args.models.split(","))]
    models = [(arch, shape) for arch, shape in models if arch in args.arch.split(",")]
    print(f"training images/s, batch {args.batch_size}, latent {args.latent_dim}, conv base {args.base_channels} "
          f"channels, {args.conv_layout} layout, {args.residual_blocks} residual blocks per stage, {args.rounds} rounds (median), "
          f"{os.cpu_count()} cores")
    for arch, shape in models:
        name = f"{arch} {'x'.join(str(part) for part in shape)}"
        height, width, channels = shape
        if shape == (28, 28, 1):
            images = load_bundled_mnist()[:9001]
        else:
            images = synthetic_images(shape, 2048, seed=1)
        # JAX reads its images NHWC-flattened; torch and ours planar.
        nhwc = images.reshape(-1, channels, height, width).transpose(0, 2, 3, 1).reshape(len(images), -1).copy()
        pixels = height * width
        cost = 1 if arch == "mlp" else 5 if pixels <= 28 * 28 else 15 if pixels <= 64 * 64 else 60
        steps = max(args.steps // cost, 5)
        makers = {
            "torch": lambda: torch_step(arch, shape, args.latent_dim, args.base_channels, args.residual_blocks,
                                        args.conv_layout, args.threads),
            "jax": lambda: jax_step(arch, shape, args.latent_dim, args.base_channels, args.residual_blocks,
                                    args.conv_layout),
        }
        peers = {peer: makers[peer]() for peer in args.peers.split(",")}
        rates = {"vae-explorer": [], **{peer: [] for peer in peers}}
        for round_index in range(args.rounds):
            rates["vae-explorer"].append(ours(args.binary, arch, shape, args, steps))
            for peer, (step, _) in peers.items():
                data = batches(nhwc if peer == "jax" else images, args.batch_size, seed=round_index)
                seconds = time_steps(step, data, args.warmup_steps, steps)
                rates[peer].append(args.batch_size / seconds)
        ours_rate = statistics.median(rates["vae-explorer"])
        print(f"{name}: vae-explorer (burn Flex) {ours_rate:9.1f} images/s  rounds {rates['vae-explorer']}"
              f"  ({steps} steps a round)")
        for peer, (_, label) in peers.items():
            rate = statistics.median(rates[peer])
            print(f"{name}: {label:<30} {rate:9.1f} images/s  ratio ours/peer {ours_rate / rate:.2f}"
                  f"  rounds {[round(r, 1) for r in rates[peer]]}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
