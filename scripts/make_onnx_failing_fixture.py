#!/usr/bin/env python3
"""Writes tests/fixtures/onnx/fails_on_data/: an ONNX VAE that opens (its encoder runs on the blank
image vae-explorer feeds it when it opens a folder) but fails in the runtime on real pictures: the
mean adds an entry of a one-value table looked up at index 1000 × the brightest pixel, out of range
for any picture that is not black. The command-line test (tests/integration/onnx_models.rs) checks
that `encode` on it ends in one error line and a non-zero exit, not a panic. Needs only `onnx` and
numpy:
    python3 scripts/make_onnx_failing_fixture.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join("tests", "fixtures", "onnx", "fails_on_data")
rng = np.random.default_rng(24)


def weight(name, shape):
    return numpy_helper.from_array(rng.normal(0, 0.05, shape).astype(np.float32), name)


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name))


os.makedirs(OUT, exist_ok=True)
encoder = helper.make_graph(
    [
        helper.make_node("Mul", ["x", "thousand"], ["scaled"]),
        helper.make_node("ReduceMax", ["scaled"], ["brightest"], axes=[1], keepdims=1),
        helper.make_node("Cast", ["brightest"], ["index"], to=TensorProto.INT64),
        helper.make_node("Gather", ["table", "index"], ["looked_up"], axis=0),
        helper.make_node("MatMul", ["x", "w_mu"], ["weighted"]),
        helper.make_node("Add", ["weighted", "looked_up"], ["mu"]),
        helper.make_node("MatMul", ["x", "w_logvar"], ["logvar"]),
    ],
    "encoder",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 784])],
    [
        helper.make_tensor_value_info("mu", TensorProto.FLOAT, ["N", 2]),
        helper.make_tensor_value_info("logvar", TensorProto.FLOAT, ["N", 2]),
    ],
    [numpy_helper.from_array(np.array(1000, np.float32), "thousand"),
     numpy_helper.from_array(np.zeros(1, np.float32), "table"), weight("w_mu", (784, 2)),
     weight("w_logvar", (784, 2))],
)
decoder = helper.make_graph(
    [helper.make_node("MatMul", ["z", "w_out"], ["logits"]), helper.make_node("Sigmoid", ["logits"], ["x_hat"])],
    "decoder",
    [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["N", 2])],
    [helper.make_tensor_value_info("x_hat", TensorProto.FLOAT, ["N", 784])],
    [weight("w_out", (2, 784))],
)
save(encoder, "encoder.onnx")
save(decoder, "decoder.onnx")
print({entry: os.path.getsize(os.path.join(OUT, entry)) for entry in sorted(os.listdir(OUT))})
