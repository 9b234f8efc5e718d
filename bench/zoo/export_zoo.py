#!/usr/bin/python3
"""Builds the cnnrt benchmark/conformance model zoo (ONNX models + seeded input + PyTorch reference output).

Usage: /usr/bin/python3 bench/zoo/export_zoo.py [--out bench/.zoo] [--only NAME ...] [--force]

Each model gets <out>/<name>/{model.onnx, input.npy, output.npy, info.json}. A model whose folder has all four files
and whose info.json records the current RECIPE_VERSION is skipped, so repeated runs are fast. Weights are random
(torchvision definitions, weights=None, torch.manual_seed(0)); no network is needed.
"""
import argparse
import inspect
import json
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn as nn

# Bump when anything that changes the files changes (model set, init, input, export arguments).
RECIPE_VERSION = 2
OPSET = 13
FILES = ("model.onnx", "input.npy", "output.npy", "info.json")


class LeNet5(nn.Module):
    """The classic LeNet-5: 1x32x32 -> conv5x5(6) tanh avgpool2 -> conv5x5(16) tanh avgpool2 -> 120 -> 84 -> 10."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def typical_cnn():
    """The lecture notes' "typical CNN" on 1x28x28 (parameters 80 / 1,168 / 25,664 / 650)."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(400, 64), nn.ReLU(), nn.Linear(64, 10))


def torchvision_model(name):
    def make():
        import torchvision.models as tvm
        return getattr(tvm, name)(weights=None)
    return make


IMAGENET = (1, 3, 224, 224)
MODELS = [
    ("mobilenet_v2", torchvision_model("mobilenet_v2"), IMAGENET),
    ("resnet18", torchvision_model("resnet18"), IMAGENET),
    ("squeezenet1_1", torchvision_model("squeezenet1_1"), IMAGENET),
    ("shufflenet_v2_x0_5", torchvision_model("shufflenet_v2_x0_5"), IMAGENET),
    ("mobilenet_v3_small", torchvision_model("mobilenet_v3_small"), IMAGENET),
    ("efficientnet_b0", torchvision_model("efficientnet_b0"), IMAGENET),
    ("densenet121", torchvision_model("densenet121"), IMAGENET),
    ("lenet5", LeNet5, (1, 1, 32, 32)),
    ("typical_cnn", typical_cnn, (1, 1, 28, 28)),
]


def randomize_batchnorm(model, gen):
    """Replaces BatchNorm's identity-like defaults by small seeded random statistics, so BN folding is exercised."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            n = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)  # [0.5, 1.5)
                if m.weight is not None:
                    m.weight.copy_(torch.rand(n, generator=gen) + 0.5)  # [0.5, 1.5)
                    m.bias.copy_(torch.randn(n, generator=gen) * 0.1)


def count_macs(model, x):
    """Multiply-accumulates of the Conv2d and Linear layers (other layers are not counted)."""
    total = [0]

    def conv_hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1]
        total[0] += out.numel() * (m.in_channels // m.groups) * k

    def linear_hook(m, inp, out):
        total[0] += out.numel() * m.in_features

    handles = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total[0]


def export_onnx(model, x, path):
    # training=PRESERVE (the model is in eval mode, so this exports inference BatchNormalization): with the default
    # (EVAL) the exporter's eval peephole fuses every Conv->BatchNorm pair itself, leaving the runtime's BN folding
    # untested except on the few BatchNorms not behind a Conv (densenet's pre-activations).
    kwargs = dict(opset_version=OPSET, input_names=["input"], output_names=["output"], do_constant_folding=True,
                  training=torch.onnx.TrainingMode.PRESERVE)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    torch.onnx.export(model, x, path, **kwargs)


def is_cached(folder):
    if not all(os.path.isfile(os.path.join(folder, f)) for f in FILES):
        return False
    try:
        with open(os.path.join(folder, "info.json")) as f:
            return json.load(f).get("recipe_version") == RECIPE_VERSION
    except (OSError, ValueError):
        return False


def build(name, make, shape, folder):
    import onnx

    torch.manual_seed(0)
    model = make()
    randomize_batchnorm(model, torch.Generator().manual_seed(2))
    model.eval()
    assert not model.training
    torch.manual_seed(1)
    x = torch.randn(*shape, dtype=torch.float32)

    with torch.no_grad():
        y = model(x).float()
    y_np = y.numpy()
    if not np.all(np.isfinite(y_np)):
        raise RuntimeError("the PyTorch output has non-finite values")
    max_abs = float(np.abs(y_np).max())
    macs = count_macs(model, x)

    tmp = folder + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    onnx_path = os.path.join(tmp, "model.onnx")
    export_onnx(model, x, onnx_path)
    proto = onnx.load(onnx_path)
    onnx.checker.check_model(proto)
    op_counts = {}
    for node in proto.graph.node:
        op_counts[node.op_type] = op_counts.get(node.op_type, 0) + 1

    np.save(os.path.join(tmp, "input.npy"), np.ascontiguousarray(x.numpy(), dtype=np.float32))
    np.save(os.path.join(tmp, "output.npy"), np.ascontiguousarray(y_np, dtype=np.float32))
    info = {
        "name": name,
        "input_shape": list(shape),
        "output_shape": list(y_np.shape),
        "macs": macs,
        "macs_note": "Conv2d and Linear multiply-accumulates only",
        "parameters": sum(p.numel() for p in model.parameters()),
        "max_abs_output": max_abs,
        "opset": OPSET,
        "onnx_ops": dict(sorted(op_counts.items())),
        "torch_version": torch.__version__,
        "recipe_version": RECIPE_VERSION,
    }
    with open(os.path.join(tmp, "info.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return info


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(os.path.dirname(here), ".zoo")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=default_out, help="output folder (default: bench/.zoo)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="build only these models")
    ap.add_argument("--force", action="store_true", help="rebuild even when cached")
    args = ap.parse_args()

    torch.set_num_threads(1)
    names = [m[0] for m in MODELS]
    if args.only:
        unknown = [n for n in args.only if n not in names]
        if unknown:
            print(f"export_zoo: unknown model(s) {', '.join(unknown)}; known: {', '.join(names)}", file=sys.stderr)
            return 2
    os.makedirs(args.out, exist_ok=True)

    t_all = time.perf_counter()
    failures = []
    for name, make, shape in MODELS:
        if args.only and name not in args.only:
            continue
        folder = os.path.join(args.out, name)
        t0 = time.perf_counter()
        if not args.force and is_cached(folder):
            print(f"{name:20s} cached  {time.perf_counter() - t0:6.2f} s", flush=True)
            continue
        try:
            info = build(name, make, shape, folder)
        except Exception as e:  # report every model, then fail
            failures.append(name)
            print(f"{name:20s} FAILED  {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            continue
        print(f"{name:20s} built   {time.perf_counter() - t0:6.2f} s  "
              f"out {tuple(info['output_shape'])} max|y| {info['max_abs_output']:.3g}  "
              f"{info['macs'] / 1e6:.1f} MMACs  {info['parameters']:,} params", flush=True)
    print(f"total {time.perf_counter() - t_all:.1f} s -> {os.path.abspath(args.out)}", flush=True)
    if failures:
        print(f"export_zoo: FAILED to build {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
