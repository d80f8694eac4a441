"""Checks a model exported by `vae-explorer export-model` against the outputs vae-explorer itself
computed (the JSON written by `--reference`): the safetensors file loaded into the reference
PyTorch module of the same layers (scripts/torch_modules.py) with load_state_dict(strict=True),
and the ONNX files run in onnxruntime. Prints the largest absolute differences.

    vae-explorer export-model --model M --format safetensors --out m.safetensors --reference ref.json
    vae-explorer export-model --model M --format onnx --out m-onnx
    python scripts/check_exported_model.py --reference ref.json --safetensors m.safetensors --onnx m-onnx

Needs numpy, and torch + safetensors for --safetensors, onnxruntime for --onnx.
"""

import argparse
import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


def load_reference(path):
    reference = json.loads(pathlib.Path(path).read_text())
    as_array = lambda key, shape: np.asarray(reference[key], dtype=np.float32).reshape(shape)
    images_shape, latent_shape = reference["image_shape"], reference["latent_shape"]
    latent_dim = latent_shape[1]
    return {
        "config": reference["config"],
        "images": as_array("images", images_shape),
        "mean": as_array("mean", (images_shape[0], latent_dim)),
        "log_var": as_array("log_var", (images_shape[0], latent_dim)),
        "latents": as_array("latents", latent_shape),
        "decoded": as_array("decoded", (latent_shape[0], *images_shape[1:])),
    }


def report(what, outputs, reference):
    worst = 0.0
    for key, value in outputs.items():
        difference = float(np.max(np.abs(np.asarray(value, dtype=np.float32) - reference[key])))
        worst = max(worst, difference)
        print(f"{what}: {key}: max |difference| = {difference:.3g}")
    return worst


def check_safetensors(path, reference):
    import torch
    from safetensors import safe_open
    from safetensors.torch import load_file

    from torch_modules import vae_for_config

    with safe_open(str(path), framework="pt") as handle:
        config = json.loads(handle.metadata()["vae_explorer_config"])
    model = vae_for_config(config)
    model.load_state_dict(load_file(str(path)), strict=True)
    model.eval()
    with torch.no_grad():
        mean, log_var = model.encoder(torch.from_numpy(reference["images"]))
        decoded = torch.sigmoid(model.decoder(torch.from_numpy(reference["latents"])))
    outputs = {"mean": mean.numpy(), "log_var": log_var.numpy(), "decoded": decoded.numpy()}
    return report("PyTorch (safetensors)", outputs, reference)


def check_onnx(folder, reference):
    import onnxruntime

    folder = pathlib.Path(folder)
    encoder = onnxruntime.InferenceSession(str(folder / "encoder.onnx"), providers=["CPUExecutionProvider"])
    decoder = onnxruntime.InferenceSession(str(folder / "decoder.onnx"), providers=["CPUExecutionProvider"])
    mean, log_var = encoder.run(["mean", "log_var"], {"image": reference["images"]})
    (decoded,) = decoder.run(["image"], {"z": reference["latents"]})
    outputs = {"mean": mean, "log_var": log_var, "decoded": decoded}
    return report("onnxruntime (ONNX)", outputs, reference)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", required=True, help="the JSON written by export-model --reference")
    parser.add_argument("--safetensors", help="a file written by export-model --format safetensors")
    parser.add_argument("--onnx", help="a folder written by export-model --format onnx")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="largest difference accepted")
    args = parser.parse_args()
    reference = load_reference(args.reference)
    worst = 0.0
    if args.safetensors:
        worst = max(worst, check_safetensors(args.safetensors, reference))
    if args.onnx:
        worst = max(worst, check_onnx(args.onnx, reference))
    if not (args.safetensors or args.onnx):
        parser.error("give --safetensors, --onnx or both")
    if worst > args.tolerance:
        print(f"FAILED: {worst:.3g} > {args.tolerance:g}")
        return 1
    print(f"ok: every output within {args.tolerance:g} (largest {worst:.3g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
