"""Reference PyTorch modules with the same layers, names and order as vae-explorer's `mlp` and
`conv` architectures (src/model/). Their `state_dict()` imports with `vae-explorer import` as it
is, and `vae-explorer export-model --format safetensors` writes weights that
`load_state_dict(strict=True)` takes.

    from torch_modules import vae_for
    model = vae_for(architecture="mlp", latent_dim=2, image_size=28, channels=1)
    torch.save(model.state_dict(), "model.pt")
    # vae-explorer import --weights model.pt --arch mlp --latent-dim 2 --out imported/

Images are [batch, channels, height, width] in [0, 1]; the encoder returns (mean, log_var), the
decoder logits of the same shape as the images (apply a sigmoid for probabilities).
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

MLP_WIDE = 512
MLP_NARROW = 256
CONV_HIDDEN = 256
MAX_STAGE_CHANNELS = 256
TARGET_SIDE = 4


class MlpEncoder(nn.Module):
    """pixels -> 512 -> 256 -> (mean, log_var), ReLU between."""

    def __init__(self, pixels, latent_dim):
        super().__init__()
        self.wide = nn.Linear(pixels, MLP_WIDE)
        self.narrow = nn.Linear(MLP_WIDE, MLP_NARROW)
        self.mean = nn.Linear(MLP_NARROW, latent_dim)
        self.log_var = nn.Linear(MLP_NARROW, latent_dim)

    def forward(self, images):
        hidden = F.relu(self.narrow(F.relu(self.wide(images.flatten(1)))))
        return self.mean(hidden), self.log_var(hidden)


class MlpDecoder(nn.Module):
    """latent -> 256 -> 512 -> pixels (logits), ReLU between."""

    def __init__(self, latent_dim, shape):
        super().__init__()
        self.shape = shape
        self.narrow = nn.Linear(latent_dim, MLP_NARROW)
        self.wide = nn.Linear(MLP_NARROW, MLP_WIDE)
        self.pixels = nn.Linear(MLP_WIDE, math.prod(shape))

    def forward(self, latents):
        logits = self.pixels(F.relu(self.wide(F.relu(self.narrow(latents)))))
        return logits.reshape(-1, *self.shape)


def kernel_side(layout):
    """Side of the stride-2 stages' kernels: 4 in the direct layout, else 3."""
    return 4 if layout == "direct" else 3


def side_out(side, layout):
    """A side after one stride-2 stage (padding 1): rounded up with 3x3 kernels, down with 4x4."""
    return side // 2 if layout == "direct" else (side + 1) // 2


def conv_stages(image_size, channels, base_channels=32, layout="scaled"):
    """[(channels_in, channels_out, side_in)] of the stride-2 stages, image side first: as
    src/model/conv/layout.rs plans them (scaled and direct: until the map is at most 4 pixels a
    side; direct also stops before a side of 1 would vanish)."""
    stages, side, width_in = [], image_size, channels
    while True:
        if layout == "two_stages":
            done = len(stages) == 2
        elif layout == "direct":
            done = side <= TARGET_SIDE or side < 2
        else:
            done = stages and side <= TARGET_SIDE
        if done:
            return stages
        width = min(base_channels * 2 ** len(stages), max(MAX_STAGE_CHANNELS, base_channels))
        stages.append((width_in, width, side))
        side, width_in = side_out(side, layout), width


class ResidualBlock(nn.Module):
    """relu(x + second(relu(first(x)))), 3x3 convolutions with padding 1."""

    def __init__(self, channels):
        super().__init__()
        self.first = nn.Conv2d(channels, channels, 3, padding=1)
        self.second = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, maps):
        return F.relu(maps + self.second(F.relu(self.first(maps))))


class DownStage(nn.Module):
    """A stride-2 convolution (3x3, or 4x4 in the direct layout; padding 1) and a ReLU, then the
    residual blocks."""

    def __init__(self, channels_in, channels_out, residual_blocks, kernel=3):
        super().__init__()
        self.conv = nn.Conv2d(channels_in, channels_out, kernel, stride=2, padding=1)
        self.blocks = nn.ModuleList(ResidualBlock(channels_out) for _ in range(residual_blocks))

    def forward(self, maps):
        maps = F.relu(self.conv(maps))
        for block in self.blocks:
            maps = block(maps)
        return maps


class UpStage(nn.Module):
    """The residual blocks, then a stride-2 transposed convolution (3x3, or 4x4 in the direct
    layout) back to side_in."""

    def __init__(self, channels_in, channels_out, side_in, residual_blocks, kernel=3):
        super().__init__()
        self.blocks = nn.ModuleList(ResidualBlock(channels_out) for _ in range(residual_blocks))
        side = side_in // 2 if kernel == 4 else (side_in + 1) // 2
        output_padding = side_in - (2 * side + kernel - 4)
        self.conv = nn.ConvTranspose2d(
            channels_out, channels_in, kernel, stride=2, padding=1, output_padding=output_padding
        )

    def forward(self, maps):
        for block in self.blocks:
            maps = block(maps)
        return self.conv(maps)


class ConvEncoder(nn.Module):
    """Stride-2 stages down to about 4x4, flatten, 256 units (none in the direct layout), then
    (mean, log_var)."""

    def __init__(self, stages, features, latent_dim, residual_blocks, layout="scaled"):
        super().__init__()
        kernel = kernel_side(layout)
        self.stages = nn.ModuleList(DownStage(c_in, c_out, residual_blocks, kernel) for c_in, c_out, _ in stages)
        direct = layout == "direct"
        self.hidden = None if direct else nn.Linear(features, CONV_HIDDEN)
        heads_in = features if direct else CONV_HIDDEN
        self.mean = nn.Linear(heads_in, latent_dim)
        self.log_var = nn.Linear(heads_in, latent_dim)

    def forward(self, images):
        maps = images
        for stage in self.stages:
            maps = stage(maps)
        hidden = maps.flatten(1)
        if self.hidden is not None:
            hidden = F.relu(self.hidden(hidden))
        return self.mean(hidden), self.log_var(hidden)


class ConvDecoder(nn.Module):
    """256 units, the last feature map (ReLU after each; in the direct layout one linear layer
    straight to the map, no ReLU), then the stages mirrored (deepest first), ReLU between stages,
    logits out."""

    def __init__(self, stages, feature_shape, latent_dim, residual_blocks, layout="scaled"):
        super().__init__()
        kernel = kernel_side(layout)
        direct = layout == "direct"
        self.feature_shape = feature_shape
        self.hidden = None if direct else nn.Linear(latent_dim, CONV_HIDDEN)
        self.features = nn.Linear(latent_dim if direct else CONV_HIDDEN, math.prod(feature_shape))
        self.stages = nn.ModuleList(
            UpStage(c_in, c_out, side_in, residual_blocks, kernel) for c_in, c_out, side_in in reversed(stages)
        )

    def forward(self, latents):
        if self.hidden is None:
            features = self.features(latents)
        else:
            features = F.relu(self.features(F.relu(self.hidden(latents))))
        maps = features.reshape(-1, *self.feature_shape)
        for index, stage in enumerate(self.stages):
            maps = stage(maps)
            if index < len(self.stages) - 1:
                maps = F.relu(maps)
        return maps


class Vae(nn.Module):
    """`encoder` and `decoder`: the names every weight starts with."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, images):
        mean, log_var = self.encoder(images)
        return self.decoder(mean), mean, log_var


def vae_for(architecture, latent_dim, image_size=28, channels=1, base_channels=32,
            residual_blocks=0, two_stages=False, layout=None):
    """The reference module for a vae-explorer model of these settings (the flags of `import`).
    `layout`: "direct" (the default, as `--conv-layout`'s), "scaled" or "two_stages" (also
    `two_stages=True`)."""
    layout = layout or ("two_stages" if two_stages else "direct")
    shape = (channels, image_size, image_size)
    if architecture == "mlp":
        pixels = math.prod(shape)
        return Vae(MlpEncoder(pixels, latent_dim), MlpDecoder(latent_dim, shape))
    if architecture == "conv":
        stages = conv_stages(image_size, channels, base_channels, layout)
        if stages:
            last = side_out(stages[-1][2], layout)
            feature_shape = (stages[-1][1], last, last)
        else:
            feature_shape = shape
        features = math.prod(feature_shape)
        return Vae(
            ConvEncoder(stages, features, latent_dim, residual_blocks, layout),
            ConvDecoder(stages, feature_shape, latent_dim, residual_blocks, layout),
        )
    raise ValueError(f"unknown architecture {architecture!r}: mlp or conv")


def vae_for_config(config):
    """The reference module for a vae-explorer model description (`VaeConfig` as JSON, as the
    exported safetensors metadata and ONNX metadata hold it)."""
    if config["image_height"] != config["image_width"]:
        raise ValueError("only square images are supported here")
    return vae_for(
        config["architecture"],
        config["latent_dim"],
        image_size=config["image_height"],
        channels=config.get("channels", 1),
        base_channels=config.get("conv_base_channels", 32),
        residual_blocks=config.get("conv_residual_blocks", 0),
        layout=config.get("conv_layout", "scaled"),
    )
