#!/usr/bin/env node
'use strict';
// ONNX Runtime's side of the comparison: the CPU execution provider, every graph optimization, intra-op and inter-op
// thread pools of --threads and 1 threads, sequential execution, batch 1, with the same warm-up (at least --warmup
// runs and --warmup-seconds), runs and statistics as `cnnrt bench` (median, p90 = the ceil(0.9·n)-th fastest, min).
//
// What is timed (--api): `binding` (default) calls the native session's synchronous run, the very call the public
// API makes, without the public API's setImmediate hop and result wrapping (~20 µs per call here, which would
// otherwise inflate LeNet-5's ~45 µs by half); cnnrt is timed the same way, around its bare Run(). `public` times
// `await session.run(feeds)`, what a node user sees. The binding is an internal of onnxruntime-node, pinned to the
// version run.sh installs (1.30.0); when it is not there, the public API is timed and the JSON says so.
//
//   node bench/ort_bench.js MODEL [--runs 20] [--warmup 3] [--warmup-seconds 1] [--threads 1]
//                                 [--input x.npy | --input-shape 1x3x224x224] [--seed 1234] [--save-input x.npy] [--output-dir DIR] [--api binding|public]
//                                 [--versus-threads N] [--json]
//
// --input runs on a .npy file (else seeded uniform [-1, 1) of --input-shape or the model's declared shape, which
// --save-input writes out so that cnnrt can run on the very same tensor);
// --output-dir writes the first output of the first run as <output name>.npy, for the agreement check.
// --versus-threads N also times a session of N intra-op threads, alternating with the --threads one run by run (the
// order swapping every pair), and reports the speed-up of --threads over it, the median of the pairs' ratios, as
// `cnnrt bench --versus-threads` does.
const path = require('path');
const fs = require('fs');
const { readNpy, writeNpy, seededUniform } = require('./lib/npy');
const { parseOptions } = require('./lib/options');

function parseArgs(argv) {
  const o = { runs: 20, warmup: 3, warmupSeconds: 1, threads: 1, seed: 1234, api: 'binding', json: false };
  const rest = parseOptions(argv, (a, take) => {
    if (a === '--runs') o.runs = take.int(1);
    else if (a === '--warmup') o.warmup = take.int(0);
    else if (a === '--warmup-seconds') o.warmupSeconds = take.number(0);
    else if (a === '--threads') o.threads = take.int(1);
    else if (a === '--versus-threads') o.versusThreads = take.int(1);
    else if (a === '--seed') o.seed = take.int(0);
    else if (a === '--input') o.input = take.value();
    else if (a === '--input-shape') o.inputShape = take.value().split(/[x,]/).map(Number);
    else if (a === '--output-dir') o.outputDir = take.value();
    else if (a === '--save-input') o.saveInput = take.value();
    else if (a === '--api') {
      o.api = take.value();
      if (o.api !== 'binding' && o.api !== 'public') throw new Error('--api must be binding or public');
    } else if (a === '--json') o.json = true;
    else return false;
    return true;
  });
  if (rest.length !== 1) throw new Error('usage: node bench/ort_bench.js MODEL [--runs N] [--warmup N] [--warmup-seconds S] [--threads N] [--versus-threads N] [--input x.npy] [--output-dir DIR] [--json]');
  o.model = rest[0];
  return o;
}

function stats(times) {
  const t = [...times].sort((a, b) => a - b);
  const n = t.length;
  const pct = (p) => t[Math.min(n - 1, Math.ceil(p * n) - 1)];
  return {
    median_ms: n % 2 ? t[(n - 1) / 2] : (t[n / 2 - 1] + t[n / 2]) / 2,
    mean_ms: t.reduce((a, b) => a + b, 0) / n,
    p90_ms: pct(0.9),
    p99_ms: pct(0.99),
    min_ms: t[0],
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const ort = require('onnxruntime-node');
  const options = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const session = await ort.InferenceSession.create(o.model, options);
  if (session.inputNames.length !== 1) throw new Error(`${o.model}: ${session.inputNames.length} inputs; this script feeds one`);
  const meta = session.inputMetadata[0];
  let shape;
  let data;
  if (o.input) {
    ({ shape, data } = readNpy(o.input));
  } else {
    // Symbolic dimensions (a dynamic batch) become 1.
    shape = o.inputShape ?? meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    data = seededUniform(shape.reduce((a, b) => a * b, 1), o.seed);
    if (o.saveInput) writeNpy(o.saveInput, shape, data);
  }
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, shape) };

  const first = await session.run(feeds);
  if (o.outputDir) {
    const name = session.outputNames[0];
    const out = first[name];
    fs.mkdirSync(o.outputDir, { recursive: true });
    writeNpy(path.join(o.outputDir, name.replace(/[^A-Za-z0-9._-]/g, '_') + '.npy'), out.dims.map(Number), out.data);
  }
  const native = o.api === 'binding' ? openBindingSession(o.model, options) : null;
  const fetches = Object.fromEntries(session.outputNames.map((n) => [n, null]));
  // One timed run of a session: the native one's synchronous call, or the public API's.
  const runner = async (s, bound) => {
    const t0 = process.hrtime.bigint();
    if (bound) bound.run(feeds, fetches, {});
    else await s.run(feeds);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const timed = () => runner(session, native);
  let other = null;
  if (o.versusThreads) {
    const otherOptions = { ...options, intraOpNumThreads: o.versusThreads };
    // The same API as the first session: a native session where that one is native, else a public one.
    const otherNative = native ? openBindingSession(o.model, otherOptions) : null;
    const otherSession = otherNative ? null : await ort.InferenceSession.create(o.model, otherOptions);
    other = { timed: () => runner(otherSession, otherNative), release: async () => { otherNative?.dispose(); await otherSession?.release(); } };
  }
  const times = new Array(o.runs);
  const otherTimes = other ? new Array(o.runs) : null;
  const warmEnd = process.hrtime.bigint() + BigInt(Math.round(o.warmupSeconds * 1e9));
  let warmed = 0;
  const warming = () => warmed < o.warmup || process.hrtime.bigint() < warmEnd;
  for (; warming(); warmed++) {
    await timed();
    if (other) await other.timed();
  }
  for (let i = 0; i < o.runs; i++) {
    if (!other) times[i] = await timed();
    else if (i % 2 === 0) {
      times[i] = await timed();
      otherTimes[i] = await other.timed();
    } else {
      otherTimes[i] = await other.timed();
      times[i] = await timed();
    }
  }
  const result = {
    model: o.model,
    engine: 'onnxruntime',
    version: ort.env.versions?.node ?? 'unknown',
    runs: o.runs,
    warmup: warmed,
    threads: o.threads,
    api: native ? 'binding' : 'public',
    input_shape: shape,
    ...stats(times),
  };
  if (other) {
    result.versus_threads = o.versusThreads;
    result.versus_median_ms = stats(otherTimes).median_ms;
    result.speedup = stats(otherTimes.map((t, i) => t / times[i])).median_ms;
    await other.release();
  }
  if (o.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`model: ${o.model} (${shape.join('x')}), onnxruntime ${result.version}, ${o.threads} intra-op thread(s)`);
    console.log(`runs: ${o.runs} (after ${warmed} warm-up)`);
    console.log(`latency ms: median ${result.median_ms.toFixed(4)}  p90 ${result.p90_ms.toFixed(4)}  min ${result.min_ms.toFixed(4)}`);
    if (other) {
      console.log(`versus ${o.versusThreads} thread(s), alternating run by run: median ${result.versus_median_ms.toFixed(4)} ms; ` +
        `speed-up ${result.speedup.toFixed(3)}x (median of the ${o.runs} pairs' ratios)`);
    }
  }
  native?.dispose();
  await session.release();
}

/** onnxruntime-node's native session (what its public InferenceSession wraps), or null when this version lacks it. */
function openBindingSession(model, options) {
  let b;
  try {
    b = require('onnxruntime-node/dist/binding');
  } catch {
    return null;
  }
  if (!b.binding?.InferenceSession || typeof b.initOrt !== 'function') return null;
  b.initOrt();
  const s = new b.binding.InferenceSession();
  s.loadModel(model, options);
  return s;
}

main().catch((e) => {
  console.error(`ort_bench: error: ${e.message}`);
  process.exit(1);
});
