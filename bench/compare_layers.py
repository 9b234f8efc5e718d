#!/usr/bin/python3
"""cnnrt's per-layer times beside ONNX Runtime's per-kernel times, one row per layer, largest loss first.

    bench/compare_layers.py MODEL.onnx --cnnrt CNNRT.json... --ort ORT.json... [--inspect INSPECT.json] [--top 25]

CNNRT.json is `cnnrt bench MODEL --threads 1 --per-layer --json`; ORT.json is `node bench/ort_profile.js MODEL`.
Given several files per engine (runs taken alternately), each layer's time is its minimum over them: on a shared
machine a layer's mean time varies by 10-30% from one run to the next, its minimum far less.
INSPECT.json is `cnnrt inspect MODEL --json` (each layer's output shape and MACs; run from the Release build when
not given: ONNX's own shape inference stops at PyTorch's computed Reshape shapes). Needs Debian's python3-onnx.

ORT's profiler adds a few microseconds to every kernel it times (a Reshape, a no-op, shows 3-5 us here):
ort_profile.js reports that no-op time and it is subtracted from every ORT kernel (--keep-overhead keeps it). Even so,
profiled ORT runs are slower than unprofiled ones (ort_bench.js), most visibly for models of many small kernels: read
the rows of real work (the large convolutions), not the total.

Mapping: ORT names a kernel after a node of the graph, or after the value it writes plus "_nchwc" (its NCHWc
rewrite), which is mapped to the value's producer. Both engines fuse: ORT's Conv kernel may have absorbed the Relu,
Clip or residual Add after it, cnnrt's the activation. So an ORT kernel whose op is Conv (Gemm, ...) but whose node is
the Relu/Add after one is walked back to that Conv, and the row covers every node on the way: cnnrt's steps for those
nodes are summed into the same row. ORT kernels of no graph node (ReorderInput/Output: its layout changes) get rows
of their own, as do cnnrt steps no ORT kernel covers; an activation ORT runs as a kernel of its own (QuickGelu, its
x·sigmoid(x)) joins the row of the Conv before it, where cnnrt computes it. A node cnnrt folded into another layer's
step (MobileNetV2's expansion 1x1 Convs, computed by the depthwise step after them; residual Adds and their Relus;
MaxPools) joins that layer's row, ORT's kernel for it included, so the row compares the same work.
"""
import argparse
import collections
import json
import os
import subprocess

import onnx

# Ops that an ORT kernel of another op may have absorbed after it.
FUSABLE_AFTER = {'Relu', 'Clip', 'Add', 'Sum', 'Sigmoid', 'Tanh', 'Mul', 'HardSigmoid', 'HardSwish', 'LeakyRelu',
                 'BatchNormalization'}
CANONICAL = {'FusedConv': 'Conv', 'NchwcConv': 'Conv', 'FusedGemm': 'Gemm', 'FusedMatMul': 'MatMul'}
# Activations ORT runs as kernels of their own after a Conv that cnnrt fuses them into: their time joins the Conv's
# row. QuickGelu is ORT's fusion of x·sigmoid(x) (SiLU), named after the Mul it replaced plus this suffix.
ACTIVATION_KERNELS = {'QuickGelu'}
QUICK_GELU_SUFFIX = '/QuickGeluFusion/'
# ORT's FusedGemm (a Gemm with the activation after it) is named after the Gemm with this prefix.
FUSED_PREFIX = 'fused '


def conv_kinds(model, inspect):
    """Conv node name → (kind, MACs, "C->M HxW" of its output)."""
    layers = {l['name']: l for l in inspect['layers']}
    inits = {i.name: list(i.dims) for i in model.graph.initializer}
    info = {}
    for n in model.graph.node:
        if n.op_type != 'Conv' or n.input[1] not in inits or n.name not in layers:
            continue
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        w = inits[n.input[1]]
        group = a.get('group', 1)
        stride = a.get('strides', [1])[0]
        window = 'x'.join(str(d) for d in w[2:])
        kind = (f'dw{window}' if group > 1 and group == w[0] else f'grp{window}' if group > 1 else window) + f' s{stride}'
        out = layers[n.name]['output_shape']
        info[n.name] = (kind, layers[n.name]['macs'], f"{w[1] * group}->{w[0]} {'x'.join(map(str, out[2:]))}")
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model')
    ap.add_argument('--cnnrt', nargs='+', required=True)
    ap.add_argument('--ort', nargs='+', required=True)
    ap.add_argument('--inspect')
    ap.add_argument('--top', type=int, default=25)
    ap.add_argument('--keep-overhead', action='store_true', help="do not subtract the profiler's no-op kernel time")
    o = ap.parse_args()

    if o.inspect:
        inspect = json.load(open(o.inspect))
    else:
        cli = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src/Cli/bin/Release/net10.0/cnnrt.dll')
        inspect = json.loads(subprocess.run(['dotnet', cli, 'inspect', o.model, '--json'], check=True,
                                            capture_output=True, text=True).stdout)
    model = onnx.load(o.model)
    nodes = {n.name: n for n in model.graph.node}
    producer = {out: n for n in model.graph.node for out in n.output}
    kinds = conv_kinds(model, inspect)
    cnnrt = {}
    for f in o.cnnrt:
        for l in json.load(open(f))['layers']:
            if l['node'] not in cnnrt or l['ms_per_run'] < cnnrt[l['node']]['ms_per_run']:
                cnnrt[l['node']] = l
    orts = [json.load(open(f)) for f in o.ort]
    overhead_ms = 0 if o.keep_overhead else min((r.get('noop_kernel_us') or 0) for r in orts) / 1000
    kernels = {}
    for r in orts:
        for k in r['layers']:
            if k['node'] not in kernels or k['ms_per_run'] < kernels[k['node']]['ms_per_run']:
                kernels[k['node']] = k
    ort = {'runs': sum(r['runs'] for r in orts), 'layers': list(kernels.values())}
    for k in ort['layers']:
        k['ms_per_run'] = max(0.0, k['ms_per_run'] - overhead_ms * k.get('calls_per_run', 1))

    def graph_node(name):
        if name in nodes:
            return nodes[name]
        if name.endswith('_nchwc'):
            return producer.get(name[:-len('_nchwc')])
        if name.endswith(QUICK_GELU_SUFFIX):
            return nodes.get(name[:-len(QUICK_GELU_SUFFIX)])
        if name.startswith(FUSED_PREFIX):
            return nodes.get(name[len(FUSED_PREFIX):])
        return None

    def covered(node, op):
        """The nodes from the one the kernel computes (of `op`) up to `node`, which its name comes from."""
        path = [node]
        while path[-1].op_type != op and path[-1].op_type in FUSABLE_AFTER and len(path) < 5:
            preds = [producer[i] for i in path[-1].input if i in producer]
            if not preds:
                break
            # Prefer the input computed by a kernel of the op (the Conv under a residual Add).
            preds.sort(key=lambda p: p.op_type != op)
            path.append(preds[0])
        return path if path[-1].op_type == op else [node]

    rows = collections.OrderedDict()  # key → {nodes, ort_ms, cnnrt_ms, ops}
    owner = {}
    for k in ort['layers']:
        node = graph_node(k['node'])
        if node is None:
            key = f"(ORT only) {k['op']}"
            rows.setdefault(key, {'nodes': [], 'ort': 0.0, 'cnnrt': 0.0, 'op': k['op']})['ort'] += k['ms_per_run']
            continue
        path = covered(node, 'Conv' if k['op'] in ACTIVATION_KERNELS else CANONICAL.get(k['op'], k['op']))
        key = path[-1].name
        row = rows.setdefault(key, {'nodes': [], 'ort': 0.0, 'cnnrt': 0.0, 'op': '+'.join(p.op_type for p in reversed(path))})
        row['ort'] += k['ms_per_run']
        for p in path:
            if p.name not in owner:
                owner[p.name] = key
                row['nodes'].append(p.name)
    for name, layer in cnnrt.items():
        key = owner.get(name, name)
        row = rows.setdefault(key, {'nodes': [name], 'ort': 0.0, 'cnnrt': 0.0, 'op': layer['op'] + ' (cnnrt only)'})
        row['cnnrt'] += layer['ms_per_run']

    # A node cnnrt folded into another layer's step (`folded` in its per-layer JSON) takes no time of its own there,
    # while ORT may still run it as a kernel: its row moves into the row of the layer that did its work, or the table
    # shows that layer as slower than ORT's by a whole kernel. A folded Conv is an expansion 1x1 computed by the
    # depthwise Conv that reads it (ExpandFusion); anything else (a residual Add, a MaxPool) by the layer it follows.
    order = {n.name: i for i, n in enumerate(model.graph.node)}
    consumers = collections.defaultdict(list)
    for n in model.graph.node:
        for i in n.input:
            consumers[i].append(n)

    def absorber(name):
        node = nodes.get(name)
        if node is None:
            return None
        if node.op_type == 'Conv':
            # Past the BatchNormalization and activation ORT's kernel also covers, to the depthwise Conv.
            while True:
                after = consumers.get(node.output[0], [])
                # x·sigmoid(x) (SiLU, as PyTorch exports it): both consumers, the Mul last.
                muls = [a for a in after if a.op_type == 'Mul']
                if len(after) == 2 and len(muls) == 1 and any(a.op_type == 'Sigmoid' for a in after):
                    after = muls
                if len(after) != 1:
                    return None
                node = after[0]
                if node.op_type == 'Conv':
                    return node.name
                if node.op_type not in FUSABLE_AFTER:
                    return None
        before = [producer[i] for i in node.input if i in producer]
        if not before:
            return None
        # The Relu after a folded residual Add: where the Add went.
        return absorber(before[0].name) if cnnrt.get(before[0].name, {}).get('folded') else before[0].name

    for name, layer in cnnrt.items():
        key = owner.get(name, name)
        target = absorber(name) if layer.get('folded') else None
        target_key = owner.get(target, target) if target else None
        if target_key is None or target_key == key or key not in rows or target_key not in rows:
            continue
        moved, into = rows.pop(key), rows[target_key]
        first = order.get(key, 0) < order.get(target_key, 0)
        into['ort'] += moved['ort']
        into['cnnrt'] += moved['cnnrt']
        into['nodes'] += moved['nodes']
        op = moved['op'].removesuffix(' (cnnrt only)')
        into['op'] = f"{op}+{into['op']}" if first else f"{into['op']}+{op}"
        for n in moved['nodes']:
            owner[n] = target_key
        if key in kinds and target_key in kinds:
            (k1, m1, _), (k2, m2, shape) = kinds.pop(key), kinds[target_key]
            kinds[target_key] = (f'{k1}+{k2}' if first else f'{k2}+{k1}', m1 + m2, shape)

    total_c = sum(r['cnnrt'] for r in rows.values())
    total_o = sum(r['ort'] for r in rows.values())
    print(f"{o.model}: cnnrt layers {total_c:.3f} ms, ORT kernels {total_o:.3f} ms (ratio {total_c / total_o:.2f}); "
          f"min over {len(o.cnnrt)} cnnrt and {len(orts)} ORT files; ORT less {overhead_ms * 1000:.1f} us per kernel")

    by_kind = collections.defaultdict(lambda: [0.0, 0.0, 0, 0])
    for key, r in rows.items():
        kind = kinds[key][0] if key in kinds else r['op']
        k = by_kind[kind]
        k[0] += r['cnnrt']; k[1] += r['ort']; k[2] += kinds[key][1] if key in kinds else 0; k[3] += 1
    print('\nby kind                     n   cnnrt ms   ORT ms   loss ms  ratio  cnnrt GF/s  ORT GF/s')
    for kind, (c, t, macs, n) in sorted(by_kind.items(), key=lambda x: -(x[1][0] - x[1][1])):
        gf = lambda ms: f'{2 * macs / ms / 1e6:10.1f}' if macs and ms > 0 else ' ' * 10
        print(f'{kind[:26]:26s} {n:3d} {c:9.3f} {t:8.3f} {c - t:+9.3f} {c / t if t else float("inf"):6.2f} {gf(c)} {gf(t)}')

    print(f'\nlayers, largest loss first (top {o.top})')
    print('  cnnrt ms   ORT ms   loss ms  ratio  kind        shapes / node')
    for key, r in sorted(rows.items(), key=lambda x: -(x[1]['cnnrt'] - x[1]['ort']))[:o.top]:
        c, t = r['cnnrt'], r['ort']
        if key in kinds:
            kind, macs, shape = kinds[key]
            what = f"{kind:11s} {shape:14s} {2 * macs / c / 1e6 if c else 0:.0f}/{2 * macs / t / 1e6 if t else 0:.0f} GF/s  {r['op']}"
        else:
            what = f"{r['op'][:11]:11s} {key}"
        print(f"{c:9.3f} {t:8.3f} {c - t:+9.3f} {c / t if t else float('inf'):6.2f}  {what}")


if __name__ == '__main__':
    main()
