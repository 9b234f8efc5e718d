#!/usr/bin/env node
'use strict';
// ONNX Runtime's per-node kernel times, for putting beside `cnnrt bench --per-layer`: the same session options as
// ort_bench.js (CPU provider, every graph optimization, --threads intra-op threads, 1 inter-op thread, sequential),
// with ORT's own profiler on. ORT writes a Chrome-trace JSON with one "Node" event per kernel run
// (name "<node>_kernel_time", args.op_name = the kernel's op). ORT profiles from session creation on, so the first
// --warmup "model_run" events are dropped and each node's kernel time is averaged over the remaining --runs. The
// profiler's own bookkeeping makes whole runs slower than ort_bench.js measures them; the kernel times themselves
// are what to compare.
//
//   node bench/ort_profile.js MODEL [--runs 30] [--warmup 5] [--threads 1] [--input x.npy] [--trace-prefix /tmp/ort]
//
// Prints JSON: { model, runs, threads, total_ms (median whole-run time of the profiled runs), noop_kernel_us (the
// median time of kernels that only alias their input: the profiler's own share of every kernel's time, null when the
// model has none), layers: [{ node, op, calls_per_run, ms_per_run }] } sorted by time. ORT names a kernel after a node of the original graph, or after the value it writes
// plus "_nchwc" once its NCHWc transformer rewrote the node (a Conv fused with its Relu is named after the Relu's
// output); bench/compare_layers.py maps both back to cnnrt's nodes.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { readNpy, seededUniform } = require('./lib/npy');
const { parseOptions } = require('./lib/options');

function parseArgs(argv) {
  const o = { runs: 30, warmup: 5, threads: 1, seed: 1234, tracePrefix: path.join(os.tmpdir(), 'ort_profile') };
  const rest = parseOptions(argv, (a, take) => {
    if (a === '--runs') o.runs = take.int(1);
    else if (a === '--warmup') o.warmup = take.int(0);
    else if (a === '--threads') o.threads = take.int(1);
    else if (a === '--input') o.input = take.value();
    else if (a === '--trace-prefix') o.tracePrefix = take.value();
    else return false;
    return true;
  });
  if (rest.length !== 1) throw new Error('usage: node bench/ort_profile.js MODEL [--runs N] [--warmup N] [--threads N] [--input x.npy] [--trace-prefix P]');
  o.model = rest[0];
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(o.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableProfiling: true,
    profileFilePrefix: o.tracePrefix,
  });
  const meta = session.inputMetadata[0];
  let shape, data;
  if (o.input) ({ shape, data } = readNpy(o.input));
  else {
    shape = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    data = seededUniform(shape.reduce((a, b) => a * b, 1), o.seed);
  }
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, shape) };
  for (let i = 0; i < o.warmup + o.runs; i++) await session.run(feeds);
  // endProfiling writes the trace and returns nothing in the node binding; find the newest file with the prefix.
  session.endProfiling();
  await session.release();
  const dir = path.dirname(o.tracePrefix), base = path.basename(o.tracePrefix);
  const traces = fs.readdirSync(dir).filter((f) => f.startsWith(base) && f.endsWith('.json'))
    .map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (traces.length === 0) throw new Error(`no trace file ${o.tracePrefix}*.json`);
  const events = JSON.parse(fs.readFileSync(traces[0], 'utf8'));

  // Runs are "model_run" events in order; node events fall inside one of them by timestamp.
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const timed = runs.slice(o.warmup);
  if (timed.length === 0) throw new Error('no profiled runs after the warm-up');
  const t0 = timed[0].ts;
  const perNode = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < t0) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    const row = perNode.get(node) ?? { node, op: e.args?.op_name ?? '', us: 0, calls: 0 };
    row.us += e.dur;
    row.calls++;
    perNode.set(node, row);
  }
  const durations = timed.map((r) => r.dur).sort((a, b) => a - b);
  // What the profiler itself adds to a kernel's time: the median of the kernels that do nothing but alias their
  // input (ORT's Reshape, Squeeze, Unsqueeze, Flatten on the CPU provider), when the model has any.
  const noop = events.filter((e) => e.cat === 'Node' && e.ts >= t0 && /^(Reshape|Squeeze|Unsqueeze|Flatten|Identity)$/.test(e.args?.op_name))
    .map((e) => e.dur).sort((a, b) => a - b);
  const result = {
    model: o.model,
    engine: 'onnxruntime',
    version: ort.env.versions?.node ?? 'unknown',
    runs: timed.length,
    threads: o.threads,
    total_ms: durations[Math.floor(durations.length / 2)] / 1000,
    trace: traces[0],
    noop_kernel_us: noop.length ? noop[Math.floor(noop.length / 2)] : null,
    layers: [...perNode.values()].map((r) => ({ node: r.node, op: r.op, calls_per_run: r.calls / timed.length, ms_per_run: r.us / 1000 / timed.length }))
      .sort((a, b) => b.ms_per_run - a.ms_per_run),
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(`ort_profile: error: ${e.message}`);
  process.exit(1);
});
