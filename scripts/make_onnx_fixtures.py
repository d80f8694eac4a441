#!/usr/bin/env python3
"""Writes tests/fixtures/onnx/<name>/: small seeded (untrained) PyTorch VAEs exported to ONNX.

Each folder holds `encoder.onnx`, `decoder.onnx` (and, for the opset-18 export, their `.onnx.data`
weight sidecars) and `reference.json`: one picture as vae-explorer hands it to a model (planar
[channels, height, width], values in [0, 1]), the encoder's mean and log-variance for it, one latent
point and its decoding brought to planar [0, 1] (a sigmoid over logits, (x + 1) / 2 over tanh values).
The Rust tests (tests/integration/onnx_models.rs) open each folder and compare within 1e-4.

The four models cover what the loader must infer:
  mlp_flat       flat [N, 784] input, `mu`/`logvar` outputs, Sigmoid decoder (TorchScript exporter)
  conv_bn        NCHW conv with BatchNorm, one [N, 2d] output split in halves, Sigmoid decoder,
                 exported with the opset-18 (dynamo) exporter and its `.onnx.data` sidecar
  nhwc_sampled   NHWC [N, 28, 28, 1] input (as Keras writes it), `z_mean`/`z_log_var` and a third
                 output sampled in the graph (RandomNormalLike), Tanh decoder
  colour_logits  RGB 32×32 conv, `mean`/`log_var`, a decoder that returns logits (no activation)
  unnamed_flat   flat [N, 360] input (no square picture), outputs left unnamed by the exporter and a
                 decoder without activation: it opens only with --image-shape 1,18,20,
                 --mean-output/--logvar-output and --decoder-output logits (the names are in
                 reference.json's "outputs")

Run from the repository root with torch, onnx, onnxscript and onnxruntime installed:
    python3 scripts/make_onnx_fixtures.py
"""
import json
import os
import shutil

import numpy as np
import onnxruntime
import torch
from torch import nn

OUT = os.path.join("tests", "fixtures", "onnx")


class MlpEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(784, 8), nn.ReLU())
        self.mu, self.logvar = nn.Linear(8, 2), nn.Linear(8, 2)

    def forward(self, x):
        h = self.hidden(x)
        return self.mu(h), self.logvar(h)


class UnnamedEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(360, 4), nn.ReLU())
        self.a, self.b = nn.Linear(4, 2), nn.Linear(4, 2)

    def forward(self, x):
        h = self.hidden(x)
        return self.a(h), self.b(h)


class UnnamedDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 360))

    def forward(self, z):
        return self.net(z)


class MlpDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 784), nn.Sigmoid())

    def forward(self, z):
        return self.net(z)


class ConvBnEncoder(nn.Module):
    def __init__(self, latent=4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
            nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Flatten(), nn.Linear(8 * 7 * 7, 2 * latent))

    def forward(self, x):
        return self.net(x)


class ConvBnDecoder(nn.Module):
    def __init__(self, latent=4):
        super().__init__()
        self.dense = nn.Linear(latent, 8 * 7 * 7)
        self.net = nn.Sequential(
            nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
            nn.ConvTranspose2d(4, 1, 4, stride=2, padding=1), nn.Sigmoid())

    def forward(self, z):
        return self.net(self.dense(z).reshape(-1, 8, 7, 7))


class NhwcEncoder(nn.Module):
    def __init__(self, latent=3):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten())
        self.z_mean, self.z_log_var = nn.Linear(4 * 14 * 14, latent), nn.Linear(4 * 14 * 14, latent)

    def forward(self, x):
        h = self.conv(x.permute(0, 3, 1, 2))
        mean, log_var = self.z_mean(h), self.z_log_var(h)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        return mean, log_var, z


class NhwcDecoder(nn.Module):
    def __init__(self, latent=3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent, 16), nn.ReLU(), nn.Linear(16, 784), nn.Tanh())

    def forward(self, z):
        return self.net(z).reshape(-1, 28, 28, 1)


class ColourEncoder(nn.Module):
    def __init__(self, latent=5):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(4, 4, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten())
        self.mean, self.log_var = nn.Linear(4 * 8 * 8, latent), nn.Linear(4 * 8 * 8, latent)

    def forward(self, x):
        h = self.conv(x)
        return self.mean(h), self.log_var(h)


class ColourDecoder(nn.Module):
    def __init__(self, latent=5):
        super().__init__()
        self.dense = nn.Linear(latent, 4 * 8 * 8)
        self.net = nn.Sequential(
            nn.ConvTranspose2d(4, 4, 4, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(4, 3, 4, stride=2, padding=1))
        # Trained logits span several units (an untrained layer's stay near 0, where they would pass
        # for tanh values): scaled so the decoder's range says "logits".
        with torch.no_grad():
            self.net[-1].weight.mul_(40.0)
            self.net[-1].bias.fill_(-2.0)

    def forward(self, z):
        return self.net(self.dense(z).reshape(-1, 4, 8, 8))


def randomise_batch_norms(module, generator):
    """Gives every BatchNorm non-trivial running statistics, so the export must carry them."""
    for child in module.modules():
        if isinstance(child, nn.BatchNorm2d):
            child.running_mean.copy_(torch.rand(child.num_features, generator=generator) * 0.2 - 0.1)
            child.running_var.copy_(torch.rand(child.num_features, generator=generator) * 0.5 + 0.75)


def export_torchscript(model, example, path, input_name, output_names):
    torch.onnx.export(model, (example,), path, dynamo=False, opset_version=17, input_names=[input_name],
                      output_names=output_names,
                      dynamic_axes={name: {0: "batch"} for name in [input_name, *(output_names or [])]})


def export_dynamo(model, example, path):
    batch = torch.export.Dim("batch", min=1, max=1024)
    program = torch.onnx.export(model, (example,), dynamo=True, opset_version=18,
                                dynamic_shapes=({0: batch},), optimize=True)
    program.save(path, external_data=True)


def run_onnx(path, array):
    session = onnxruntime.InferenceSession(path)
    name = session.get_inputs()[0].name
    return session.run(None, {name: array.astype(np.float32)})


def write_fixture(name, shape, encoder, decoder, latent, layout, exporter, output_kind, names):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    rng = np.random.default_rng(24)
    channels, height, width = shape
    # 8-bit levels, so the JSON holds exact values.
    image = (rng.integers(0, 256, size=(1, channels, height, width)) / 255.0).astype(np.float32)
    latent_point = rng.normal(size=(1, latent)).astype(np.float32)
    model_input = image * 2 - 1 if output_kind == "tanh" else image
    if layout == "flat":
        model_input = model_input.reshape(1, -1)
    elif layout == "nhwc":
        model_input = np.transpose(model_input, (0, 2, 3, 1))
    model_input = np.ascontiguousarray(model_input)
    encoder_path, decoder_path = os.path.join(folder, "encoder.onnx"), os.path.join(folder, "decoder.onnx")
    with torch.no_grad():
        if exporter == "dynamo":
            export_dynamo(encoder, torch.from_numpy(model_input), encoder_path)
            export_dynamo(decoder, torch.from_numpy(latent_point), decoder_path)
        else:
            export_torchscript(encoder, torch.from_numpy(model_input), encoder_path, "x", names)
            export_torchscript(decoder, torch.from_numpy(latent_point), decoder_path, "z",
                               ["x_hat"] if names else None)
        torch_outputs = encoder(torch.from_numpy(model_input))
        torch_decoded = decoder(torch.from_numpy(latent_point)).numpy()
    onnx_outputs = run_onnx(encoder_path, model_input)
    onnx_decoded = run_onnx(decoder_path, latent_point)[0]
    if isinstance(torch_outputs, torch.Tensor):
        mean, log_var = np.split(onnx_outputs[0], 2, axis=1)
        torch_mean = torch_outputs.numpy()[:, :latent]
    else:
        mean, log_var = onnx_outputs[0], onnx_outputs[1]
        torch_mean = torch_outputs[0].numpy()
    assert np.allclose(mean, torch_mean, atol=1e-5), f"{name}: onnxruntime and torch disagree"
    assert np.allclose(onnx_decoded, torch_decoded, atol=1e-5), f"{name}: onnxruntime and torch disagree"
    decoded = onnx_decoded.reshape(1, -1) if layout == "flat" else onnx_decoded
    if layout == "nhwc":
        decoded = np.transpose(decoded, (0, 3, 1, 2))
    if output_kind == "logits":
        decoded = 1 / (1 + np.exp(-decoded))
    elif output_kind == "tanh":
        decoded = (decoded + 1) / 2
    reference = {
        "image_shape": [channels, height, width],
        "layout": layout,
        "decoder_output": output_kind,
        "outputs": [output.name for output in onnxruntime.InferenceSession(encoder_path).get_outputs()],
        "image": [round(float(v), 6) for v in image.reshape(-1)],
        "mean": [float(v) for v in mean.reshape(-1)],
        "log_var": [float(v) for v in log_var.reshape(-1)],
        "latent": [float(v) for v in latent_point.reshape(-1)],
        "decoded": [round(float(v), 7) for v in decoded.reshape(-1)],
    }
    with open(os.path.join(folder, "reference.json"), "w") as file:
        json.dump(reference, file)
    sizes = {entry: os.path.getsize(os.path.join(folder, entry)) for entry in sorted(os.listdir(folder))}
    print(name, sizes)


def main():
    generator = torch.Generator().manual_seed(24)
    torch.manual_seed(24)
    models = [
        ("mlp_flat", (1, 28, 28), MlpEncoder(), MlpDecoder(), 2, "flat", "torchscript", "probabilities",
         ["mu", "logvar"]),
        ("conv_bn", (1, 28, 28), ConvBnEncoder(), ConvBnDecoder(), 4, "nchw", "dynamo", "probabilities", None),
        ("nhwc_sampled", (1, 28, 28), NhwcEncoder(), NhwcDecoder(), 3, "nhwc", "torchscript", "tanh",
         ["z_mean", "z_log_var", "z"]),
        ("colour_logits", (3, 32, 32), ColourEncoder(), ColourDecoder(), 5, "nchw", "torchscript", "logits",
         ["mean", "log_var"]),
        ("unnamed_flat", (1, 18, 20), UnnamedEncoder(), UnnamedDecoder(), 2, "flat", "torchscript", "logits", None),
    ]
    for name, shape, encoder, decoder, latent, layout, exporter, output_kind, names in models:
        randomise_batch_norms(encoder, generator)
        randomise_batch_norms(decoder, generator)
        encoder.eval()
        decoder.eval()
        write_fixture(name, shape, encoder, decoder, latent, layout, exporter, output_kind, names)


if __name__ == "__main__":
    main()
