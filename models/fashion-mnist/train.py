#!/usr/bin/python3
"""Train the small Fashion-MNIST CNN that ships with cnnrt and export it to ONNX.

Re-train (from the repository root):

    /usr/bin/python3 models/fashion-mnist/train.py

Needs Debian's python3-torch, python3-onnx, python3-numpy and the dataset from
the `dataset-fashion-mnist` package (gzipped IDX files); no network access.

Everything it writes goes next to this script (or to --out-dir):

    fashion_cnn.onnx          the model (opset 13, input "input" Nx1x28x28 float,
                              output "logits" Nx10), with metadata_props
    pytorch_accuracy.json     top-1 accuracy of the exported model in PyTorch
    reference_images.npy      first 64 test images, already normalised (64x1x28x28 f32)
    reference_logits.npy      PyTorch logits for those images (64x10 f32)
    samples/                  test images as PGM / PNG / PPM, plus labels.txt
    README.md                 short description (regenerated with the numbers)

The run is deterministic: fixed seeds, deterministic algorithms, fixed thread count.
"""

import argparse
import glob
import gzip
import inspect
import json
import os
import re
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ----------------------------------------------------------------------------
# Constants shared with the C# runtime (also stored in the ONNX metadata).
# ----------------------------------------------------------------------------
CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
MEAN = 0.2860            # mean of the training pixels after scaling to [0,1]
STD = 0.3530             # std  of the training pixels after scaling to [0,1]
INPUT_SCALE = 1.0 / 255  # raw 8-bit pixel -> [0,1]
OPSET = 13
N_REF = 64               # number of reference images/logits for exact checks

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------
# Data: a tiny reader for the (gzipped) IDX format used by (Fashion-)MNIST.
# ----------------------------------------------------------------------------
def read_idx(path):
    """Read an IDX file (optionally gzipped) into a numpy array.

    Layout: 2 zero bytes, 1 byte element type (0x08 = uint8), 1 byte number of
    dimensions, then one big-endian uint32 per dimension, then the raw data.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    payload = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if payload.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {np.prod(dims)} bytes, got {payload.size}")
    return payload.reshape(dims)


def find_data_dir(explicit):
    """Locate the directory holding train-images-idx3-ubyte(.gz) etc."""
    if explicit:
        return explicit
    default = "/usr/share/datasets/fashion-mnist"
    if glob.glob(os.path.join(default, "train-images-idx3-ubyte*")):
        return default
    # Fall back to a search under /usr/share (prefer a path mentioning "fashion").
    hits = sorted(glob.glob("/usr/share/**/*train-images-idx3-ubyte*", recursive=True))
    hits.sort(key=lambda p: "fashion" not in p.lower())
    if not hits:
        sys.exit("Fashion-MNIST not found: install dataset-fashion-mnist or pass --data-dir")
    return os.path.dirname(hits[0])


def load_split(data_dir, prefix):
    """Return (uint8 images Nx28x28, int64 labels N) for prefix 'train' or 't10k'."""
    def one(stem):
        for cand in (stem + ".gz", stem):
            p = os.path.join(data_dir, cand)
            if os.path.exists(p):
                return read_idx(p)
        sys.exit(f"missing {stem}(.gz) in {data_dir}")
    images = one(f"{prefix}-images-idx3-ubyte")
    labels = one(f"{prefix}-labels-idx1-ubyte").astype(np.int64)
    assert images.shape[1:] == (28, 28) and len(images) == len(labels)
    return images, labels


def normalise(images_u8):
    """uint8 Nx28x28 -> float32 Nx1x28x28, scaled to [0,1] then (x-mean)/std."""
    x = images_u8.astype(np.float32) * np.float32(INPUT_SCALE)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return x[:, None, :, :].astype(np.float32)


# ----------------------------------------------------------------------------
# Model: three conv3x3 -> BN -> ReLU -> maxpool2 blocks, then a small MLP head.
#   1x28x28 -> 32x14x14 -> 64x7x7 -> 64x3x3 -> 576 -> 128 -> 10
# (BatchNorm is folded into the convolutions by the ONNX exporter in eval mode;
#  Dropout disappears in eval mode.)
# ----------------------------------------------------------------------------
def conv_block(cin, cout):
    return [
        nn.Conv2d(cin, cout, kernel_size=3, padding=1),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
        nn.MaxPool2d(2),
    ]


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *conv_block(1, 32),
            *conv_block(32, 64),
            *conv_block(64, 64),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 3 * 3, 128),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


@torch.no_grad()
def predict(model, x, batch=1000):
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


# ----------------------------------------------------------------------------
# A minimal numpy interpreter for the exported graph, used as an independent
# check that the ONNX file computes the same logits as PyTorch.
# ----------------------------------------------------------------------------
def run_onnx_numpy(model_proto, x):
    from onnx import numpy_helper, helper
    env = {t.name: numpy_helper.to_array(t).astype(np.float32)
           for t in model_proto.graph.initializer}
    env[model_proto.graph.input[0].name] = x
    for node in model_proto.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        ins = [env[n] for n in node.input if n]
        op = node.op_type
        if op == "Conv":
            X, W = ins[0], ins[1]
            B = ins[2] if len(ins) > 2 else np.zeros(W.shape[0], np.float32)
            kh, kw = W.shape[2:]
            pads = a.get("pads", [0, 0, 0, 0])
            sh, sw = a.get("strides", [1, 1])
            assert a.get("group", 1) == 1 and list(a.get("dilations", [1, 1])) == [1, 1]
            Xp = np.pad(X, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
            oh = (Xp.shape[2] - kh) // sh + 1
            ow = (Xp.shape[3] - kw) // sw + 1
            out = np.zeros((X.shape[0], W.shape[0], oh, ow), np.float64)
            for i in range(kh):
                for j in range(kw):
                    patch = Xp[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
                    out += np.einsum("nchw,oc->nohw", patch, W[:, :, i, j])
            y = (out + B[None, :, None, None]).astype(np.float32)
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "MaxPool":
            k = a["kernel_shape"]; s = a.get("strides", k)
            assert list(k) == [2, 2] and list(s) == [2, 2] and not any(a.get("pads", [0]))
            X = ins[0]; h, w = X.shape[2] // 2, X.shape[3] // 2
            y = X[:, :, :2 * h, :2 * w].reshape(X.shape[0], X.shape[1], h, 2, w, 2).max(axis=(3, 5))
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A, Bm = ins[0], ins[1]
            if a.get("transA", 0): A = A.T
            if a.get("transB", 0): Bm = Bm.T
            y = a.get("alpha", 1.0) * (A.astype(np.float64) @ Bm)
            if len(ins) > 2: y = y + a.get("beta", 1.0) * ins[2]
            y = y.astype(np.float32)
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = y
    return env[model_proto.graph.output[0].name]


# ----------------------------------------------------------------------------
# Image writers for the samples (no PIL needed).
# ----------------------------------------------------------------------------
def write_pgm(path, img):
    h, w = img.shape
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h) + img.astype(np.uint8).tobytes())


def write_ppm(path, img):
    h, w = img.shape
    rgb = np.repeat(img.astype(np.uint8)[:, :, None], 3, axis=2)
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + rgb.tobytes())


def write_png_gray8(path, img):
    """8-bit grayscale PNG: signature, IHDR, one zlib IDAT (filter 0 rows), IEND."""
    h, w = img.shape

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + img[r].astype(np.uint8).tobytes() for r in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # depth 8, colour type 0 (gray)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def slug(name):
    """'T-shirt/top' -> 'tshirt-top', 'Ankle boot' -> 'ankle-boot'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("-", "")).strip("-")


# ----------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default=None,
                    help="folder with the IDX files (default: the dataset-fashion-mnist "
                         "package, /usr/share/datasets/fashion-mnist)")
    ap.add_argument("--out-dir", default=HERE)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (one-cycle)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    # Determinism.
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)

    out = args.out_dir
    os.makedirs(os.path.join(out, "samples"), exist_ok=True)

    # ---- data ---------------------------------------------------------------
    data_dir = find_data_dir(args.data_dir)
    print(f"data: {data_dir}")
    tr_img, tr_lab = load_split(data_dir, "train")
    te_img, te_lab = load_split(data_dir, "t10k")
    print(f"train {tr_img.shape}, test {te_img.shape}")

    pix = tr_img.astype(np.float64) / 255.0
    m, s = pix.mean(), pix.std()
    print(f"train pixel stats after /255: mean={m:.4f} std={s:.4f} "
          f"(using mean={MEAN}, std={STD})")
    assert abs(m - MEAN) < 5e-4 and abs(s - STD) < 5e-4, "unexpected dataset statistics"

    x_train = torch.from_numpy(normalise(tr_img))
    y_train = torch.from_numpy(tr_lab)
    x_test = torch.from_numpy(normalise(te_img))
    y_test = torch.from_numpy(te_lab)

    # ---- training -----------------------------------------------------------
    model = FashionCNN()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params}")
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = (len(x_train) + args.batch_size - 1) // args.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch)
    gen = torch.Generator().manual_seed(args.seed)

    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(x_train), generator=gen)
        total_loss = 0.0
        for i in range(0, len(x_train), args.batch_size):
            idx = perm[i:i + args.batch_size]
            xb, yb = x_train[idx], y_train[idx]
            # Light augmentation: horizontal flip of about half the batch
            # (all classes are left/right symmetric in meaning).
            flip = torch.rand(len(xb), generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += loss.item() * len(idx)
        acc = (predict(model, x_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total_loss / len(x_train):.4f} "
              f"test acc {acc:.4f}  ({time.time() - t0:.0f}s)")

    # ---- ONNX export ------------------------------------------------------
    import onnx
    model.eval()
    onnx_path = os.path.join(out, "fashion_cnn.onnx")
    export_kwargs = dict(
        opset_version=OPSET,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True,
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        export_kwargs["dynamo"] = False  # classic TorchScript exporter
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), onnx_path, **export_kwargs)

    proto = onnx.load(onnx_path)
    meta = {
        "labels": ",".join(CLASS_NAMES),
        "mean": f"{MEAN:.4f}",
        "std": f"{STD:.4f}",
        "input_scale": repr(INPUT_SCALE),  # "0.00392156862745098"
        "layout": "NCHW",
        "source": ("cnnrt models/fashion-mnist/train.py: small CNN "
                   "(3x conv3x3-ReLU-maxpool2, FC 576-128-10) trained on Fashion-MNIST, "
                   f"torch {torch.__version__}"),
    }
    del proto.metadata_props[:]
    for k, v in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = k, v
    proto.doc_string = "Fashion-MNIST classifier for the cnnrt C# CNN runtime"
    onnx.save(proto, onnx_path)  # small model: tensors stay inside the file

    proto = onnx.load(onnx_path)
    onnx.checker.check_model(proto)
    for t in proto.graph.initializer:
        assert t.data_location != onnx.TensorProto.EXTERNAL, "external data not allowed"
    ops = [n.op_type for n in proto.graph.node]
    size = os.path.getsize(onnx_path)
    print(f"onnx: {onnx_path} ({size} bytes), opset "
          f"{[o.version for o in proto.opset_import]}, ops {ops}")
    assert size < 2 * 1024 * 1024

    # ---- evaluation of the exported model in PyTorch -------------------------
    logits = predict(model, x_test)
    correct = int((logits.argmax(1) == y_test).sum())
    total = len(y_test)
    result = {
        "top1": round(correct / total, 6),
        "correct": correct,
        "total": total,
        "mean": MEAN,
        "std": STD,
        "torch_version": torch.__version__,
    }
    with open(os.path.join(out, "pytorch_accuracy.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"test top-1: {correct}/{total} = {correct / total:.4f}")

    ref_images = x_test[:N_REF].numpy().astype(np.float32)
    ref_logits = logits[:N_REF].numpy().astype(np.float32)
    np.save(os.path.join(out, "reference_images.npy"), ref_images)
    np.save(os.path.join(out, "reference_logits.npy"), ref_logits)

    # Independent check: run the ONNX graph with the numpy interpreter above.
    np_logits = run_onnx_numpy(proto, ref_images)
    diff = float(np.abs(np_logits - ref_logits).max())
    print(f"numpy-ONNX vs PyTorch on {N_REF} reference images: max |diff| = {diff:.2e}")
    assert diff < 1e-3 and (np_logits.argmax(1) == ref_logits.argmax(1)).all()

    # ---- sample images -------------------------------------------------------
    sdir = os.path.join(out, "samples")
    lines = []
    for c, name in enumerate(CLASS_NAMES):
        i = int(np.nonzero(te_lab == c)[0][0])  # first test image of class c
        base = f"{c}-{slug(name)}"
        write_pgm(os.path.join(sdir, base + ".pgm"), te_img[i])
        files = [base + ".pgm"]
        if c in (1, 7):
            write_png_gray8(os.path.join(sdir, base + ".png"), te_img[i])
            files.append(base + ".png")
        if c == 3:
            write_ppm(os.path.join(sdir, base + ".ppm"), te_img[i])
            files.append(base + ".ppm")
        pred = int(logits[i].argmax())
        print(f"sample {base}: test index {i}, predicted {CLASS_NAMES[pred]}")
        for fn in files:
            lines.append(f"{fn}\t{c}\t{name}\t{i}")
    with open(os.path.join(sdir, "labels.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    write_readme(out, result, ops, size, n_params, args)
    print(f"done in {time.time() - t0:.0f}s")


def write_readme(out, result, ops, size, n_params, args):
    text = f"""# Fashion-MNIST CNN

`fashion_cnn.onnx` is the example model shipped with cnnrt: a small CNN trained on
Fashion-MNIST (28x28 grayscale, 10 classes). Generated by `train.py`; do not edit by hand.

## Architecture

Input `input`: float32 `N x 1 x 28 x 28` (NCHW, dynamic batch). Output `logits`: `N x 10`
(raw scores, no softmax).

    conv3x3(1->32, pad 1)  + BatchNorm + ReLU + maxpool2   -> 32x14x14
    conv3x3(32->64, pad 1) + BatchNorm + ReLU + maxpool2   -> 64x7x7
    conv3x3(64->64, pad 1) + BatchNorm + ReLU + maxpool2   -> 64x3x3  (7x7 pooled with floor, ceil_mode=0)
    Flatten -> Linear(576->128) + ReLU (+ Dropout 0.3 in training) -> Linear(128->10)

{n_params} parameters, {size} bytes. ONNX opset {OPSET}; BatchNorm is folded into the
convolutions at export, so the graph contains only: {", ".join(ops)}.

## Accuracy

Top-1 on the 10,000 Fashion-MNIST test images (PyTorch {result["torch_version"]}, float32):
**{result["top1"] * 100:.2f}%** ({result["correct"]}/{result["total"]}), see
`pytorch_accuracy.json`. Trained {args.epochs} epochs, Adam + one-cycle LR (peak {args.lr}),
batch {args.batch_size}, random horizontal flips, seed {args.seed}.

## Preprocessing and metadata (`metadata_props` in the ONNX file)

| key | value | meaning |
|-----|-------|---------|
| `labels` | `T-shirt/top,...,Ankle boot` | class names, comma-separated, in output index order |
| `input_scale` | `0.00392156862745098` | multiply 8-bit pixels by this (1/255) to get [0,1] |
| `mean` | `{MEAN:.4f}` | subtracted after scaling |
| `std` | `{STD:.4f}` | divided by after subtracting the mean |
| `layout` | `NCHW` | input tensor layout |
| `source` | text | where the model comes from |

So the network input is `x = (pixel * input_scale - mean) / std`. Fashion-MNIST images
are white objects on a black background (0 = background).

## Test data

- `reference_images.npy`: the first {N_REF} test images, already normalised (float32, {N_REF}x1x28x28).
- `reference_logits.npy`: PyTorch logits for them (float32, {N_REF}x10).
- `samples/`: the first test image of each class as 8-bit binary PGM (`0-tshirt-top.pgm` ...
  `9-ankle-boot.pgm`), `1-trouser.png` and `7-sneaker.png` (8-bit grayscale PNG) and
  `3-dress.ppm` (binary RGB PPM). `samples/labels.txt` is tab-separated:
  file name, class index, class name, index in the test set.

## Re-training

    /usr/bin/python3 models/fashion-mnist/train.py

Needs the Debian packages python3-torch, python3-onnx, python3-numpy and
dataset-fashion-mnist (`--data-dir` points elsewhere). Takes about 6-7 minutes on 2 idle CPU
cores (one epoch is about 1 minute; longer on a busy machine).
"""
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
