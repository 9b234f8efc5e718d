#!/usr/bin/env node
'use strict';
// The side-by-side benchmark behind bench/run.sh: for every model, cnnrt and ONNX Runtime run back to back (the order
// alternating from model to model, so a noisy stretch of the shared machine hits both), after checking that the two
// agree on the same input. Writes latest.json, latest.md and latest.svg into --out. Exits 1 when any model failed or
// the engines disagree.
//
//   node bench/compare.js --cnnrt PATH.dll|PATH [--aot PATH] [--zoo DIR] [--models a,b] [--runs 20] [--rounds 1]
//                         [--warmup 3] [--warmup-seconds 1] [--budget 20] [--out DIR]
//   node bench/compare.js --render DIR/latest.json    (rewrites latest.md and latest.svg beside it, measuring nothing)
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { readNpy } = require('./lib/npy');
const { renderMarkdown, renderSvg } = require('./lib/report');
const { parseOptions } = require('./lib/options');

const ROOT = path.resolve(__dirname, '..');
const ZOO_MODELS = ['mobilenet_v2', 'resnet18', 'squeezenet1_1', 'shufflenet_v2_x0_5', 'mobilenet_v3_small',
  'efficientnet_b0', 'lenet5', 'typical_cnn'];
const SHIPPED = { name: 'fashion_cnn', model: path.join(ROOT, 'models', 'fashion-mnist', 'fashion_cnn.onnx') };
const TOLERANCE = 1e-4; // max |cnnrt − ORT| ≤ TOLERANCE · max |ORT output|, as the zoo test compares with PyTorch
const THREADS_MODEL = 'resnet18';

function parseArgs(argv) {
  const o = { zoo: path.join(ROOT, 'bench', '.zoo'), runs: 20, rounds: 1, warmup: 3, warmupSeconds: 1, budget: 20, out: path.join(ROOT, 'bench', 'results') };
  const rest = parseOptions(argv, (a, take) => {
    if (a === '--render') o.render = take.value();
    else if (a === '--cnnrt') o.cnnrt = take.value();
    else if (a === '--aot') o.aot = take.value();
    else if (a === '--zoo') o.zoo = take.value();
    else if (a === '--models') o.models = take.value().split(',').filter(Boolean);
    else if (a === '--runs') o.runs = Math.floor(take.number(1));
    else if (a === '--rounds') o.rounds = Math.floor(take.number(1));
    else if (a === '--warmup') o.warmup = Math.floor(take.number(0));
    else if (a === '--warmup-seconds') o.warmupSeconds = take.number(0);
    else if (a === '--budget') o.budget = take.number(0);
    else if (a === '--out') o.out = take.value();
    else return false;
    return true;
  });
  if (rest.length > 0) throw new Error(`unknown argument ${rest[0]}`);
  if (!o.cnnrt && !o.render) throw new Error('--cnnrt PATH is required (cnnrt.dll or a native cnnrt binary)');
  return o;
}

/** A way to start cnnrt: `dotnet x.dll` for the JIT build, the file itself for the NativeAOT one. */
function engine(file) {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`${abs} does not exist`);
  return abs.endsWith('.dll') ? { cmd: 'dotnet', pre: [abs] } : { cmd: abs, pre: [] };
}

function runJson(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`${what}: output is not JSON: ${r.stdout.slice(0, 200)}`);
  }
}

const cnnrtJson = (eng, args, what) => runJson(eng.cmd, [...eng.pre, ...args], what);
const ortJson = (args, what) => runJson(process.execPath, [path.join(__dirname, 'ort_bench.js'), ...args], what);

function machineInfo(peakInfo) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const field = (name) => (new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo) || [])[1] || '';
  const flags = field('flags').split(/\s+/);
  const simd = ['sse4_1', 'avx', 'avx2', 'fma', 'avx_vnni', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'asimd', 'asimddp']
    .filter((f) => flags.includes(f));
  return {
    cpu: field('model name') || field('Hardware') || os.cpus()[0]?.model || 'unknown',
    logical_cores: os.cpus().length,
    physical_cores_per_socket: Number(field('cpu cores')) || null,
    simd_flags: simd,
    cnnrt_isa: peakInfo.best_isa,
    cnnrt_version: peakInfo.version,
    dotnet: peakInfo.dotnet,
    kernel: os.release(),
    date: new Date().toISOString(),
  };
}

function compareOutputs(expectedFile, actualFile) {
  const e = readNpy(expectedFile);
  const a = readNpy(actualFile);
  if (e.shape.join('x') !== a.shape.join('x')) return { ok: false, detail: `shapes differ: ${a.shape.join('x')} vs ${e.shape.join('x')}` };
  let maxDiff = 0;
  let maxOut = 0;
  for (let i = 0; i < e.data.length; i++) {
    const d = Math.abs(e.data[i] - a.data[i]);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    maxOut = Math.max(maxOut, Math.abs(e.data[i]));
  }
  return { ok: maxDiff <= TOLERANCE * maxOut, max_abs_diff: maxDiff, max_abs_output: maxOut, tolerance: TOLERANCE * maxOut };
}

/** The element of <items> whose key is the median (the lower middle one for an even count). */
function medianBy(items, key) {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[(sorted.length - 1) >> 1];
}

/** Runs and warm-ups for one model: the defaults, or fewer when one run is slow enough to blow the time budget. */
function runsFor(o, firstRunMs) {
  if (o.budget <= 0 || firstRunMs * (o.runs + o.warmup) <= o.budget * 1000) return { runs: o.runs, warmup: o.warmup };
  return { runs: Math.max(5, Math.min(o.runs, Math.floor((o.budget * 1000) / firstRunMs) - 1)), warmup: Math.min(o.warmup, 1) };
}

function benchModel(o, spec, index, engines, tmp) {
  const dir = path.join(tmp, spec.name);
  fs.mkdirSync(dir, { recursive: true });
  const row = { name: spec.name, model: path.relative(ROOT, spec.model) };

  // MACs: cnnrt's own count of the planned graph (Conv, Gemm, MatMul); the zoo's PyTorch count beside it.
  const inspect = cnnrtJson(engines.jit, ['inspect', spec.model, '--json'], `cnnrt inspect ${spec.name}`);
  row.macs = inspect.total_macs;
  const info = path.join(path.dirname(spec.model), 'info.json');
  if (fs.existsSync(info)) row.macs_pytorch = JSON.parse(fs.readFileSync(info, 'utf8')).macs;

  // Agreement on one input: the zoo's input.npy, or (the shipped model) seeded uniform [-1, 1) of the model's declared
  // input shape, generated and saved by ort_bench.js so that cnnrt reads the same tensor.
  const ortOut = path.join(dir, 'ort');
  const input = spec.zoo ? path.join(path.dirname(spec.model), 'input.npy') : path.join(dir, 'input.npy');
  const inputArgs = spec.zoo ? ['--input', input] : ['--seed', '20240521', '--save-input', input];
  const ortRun = ortJson([spec.model, ...inputArgs, '--output-dir', ortOut, '--runs', '1', '--warmup', '0', '--warmup-seconds', '0', '--json'], `ort ${spec.name}`);
  row.input = spec.zoo ? path.relative(ROOT, input) : `seeded uniform [-1, 1), ${ortRun.input_shape.join('x')}`;
  const ortFile = path.join(ortOut, fs.readdirSync(ortOut)[0]);
  const check = (eng, label) => {
    const out = path.join(dir, label);
    const r = cnnrtJson(eng, ['run', spec.model, '--input', input, '--output-dir', out, '--json'], `cnnrt run (${label}) ${spec.name}`);
    return { firstRunMs: r.run_ms, agreement: compareOutputs(ortFile, r.outputs[0].file) };
  };
  const jitCheck = check(engines.jit, 'jit');
  row.agreement = jitCheck.agreement;
  const { runs, warmup } = runsFor(o, Math.max(jitCheck.firstRunMs, ortRun.min_ms));
  row.runs = runs;
  row.warmup = warmup;

  // Timing, back to back, the order rotating from model to model.
  const common = ['--runs', String(runs), '--warmup', String(warmup), '--warmup-seconds', String(o.warmupSeconds), '--json'];
  const jobs = [
    ['cnnrt', () => cnnrtJson(engines.jit, ['bench', spec.model, '--threads', '1', ...common], `cnnrt bench ${spec.name}`)],
    ['ort', () => ortJson([spec.model, '--input', input, '--threads', '1', ...common], `ort bench ${spec.name}`)],
  ];
  if (engines.aot) {
    row.aot_agreement = check(engines.aot, 'aot').agreement;
    jobs.push(['aot', () => cnnrtJson(engines.aot, ['bench', spec.model, '--threads', '1', ...common], `cnnrt-aot bench ${spec.name}`)]);
  }
  // Each round times every engine once, in an order that rotates from round to round and model to model; the row
  // keeps each engine's median round (by median latency) and the median of the rounds' ratios, so that a burst of
  // load from the shared host during one engine's turn is outvoted instead of deciding the ratio.
  const rounds = [];
  for (let r = 0; r < o.rounds; r++) {
    const round = {};
    for (let k = 0; k < jobs.length; k++) {
      const [key, job] = jobs[(k + index + r) % jobs.length];
      round[key] = job();
    }
    round.ratio = round.cnnrt.median_ms / round.ort.median_ms;
    if (round.aot) round.aotJit = round.aot.median_ms / round.cnnrt.median_ms;
    rounds.push(round);
  }
  for (const [key] of jobs) row[key] = medianBy(rounds.map((x) => x[key]), (x) => x.median_ms);
  row.ratio = medianBy(rounds.map((x) => x.ratio), (x) => x);
  if (o.rounds > 1) row.round_ratios = rounds.map((x) => x.ratio);
  const gflops = (ms) => (2 * row.macs) / (ms * 1e6);
  row.cnnrt_gflops = gflops(row.cnnrt.median_ms);
  row.ort_gflops = gflops(row.ort.median_ms);
  if (row.aot) {
    row.aot_gflops = gflops(row.aot.median_ms);
    row.aot_jit_ratio = medianBy(rounds.map((x) => x.aotJit), (x) => x);
  }
  return row;
}

/**
 * ResNet-18 at 1 and 2 threads. Each engine times a 2-thread and a 1-thread session alternately, run by run, in one
 * process (`--threads 2 --versus-threads 1`), so both counts see the same moments of the host, and reports the median
 * of the pairs' speed-ups; each round does that once per engine (their order rotating), and the row keeps each
 * count's median round and the median of the rounds' speed-ups. Timed one count after the other instead, even back to
 * back, the host's phases decided it: the same cnnrt build measured 1.39x to 1.81x on 2026-12-05, as one of the two
 * vCPUs slowed and recovered for seconds at a time.
 */
function benchThreads(o, engines, rows) {
  const base = rows.find((r) => r.name === THREADS_MODEL && r.cnnrt);
  if (!base) return null;
  const model = path.join(ROOT, base.model);
  const common = ['--threads', '2', '--versus-threads', '1', '--runs', String(base.runs), '--warmup', String(base.warmup),
    '--warmup-seconds', String(o.warmupSeconds), '--json'];
  const time = {
    cnnrt: () => cnnrtJson(engines.jit, ['bench', model, ...common], 'cnnrt bench --threads 2 --versus-threads 1'),
    ort: () => ortJson([model, ...common], 'ort bench --threads 2 --versus-threads 1'),
  };
  const rounds = [];
  for (let r = 0; r < o.rounds; r++) {
    const round = {};
    for (const engine of r % 2 === 0 ? ['cnnrt', 'ort'] : ['ort', 'cnnrt']) {
      const t = time[engine]();
      round[engine] = { one: t.versus_median_ms, two: t.median_ms, speedup: t.speedup };
    }
    rounds.push(round);
  }
  const median = (values) => medianBy(values, (x) => x);
  const summary = (engine) => ({
    [`${engine}_1_ms`]: median(rounds.map((x) => x[engine].one)),
    [`${engine}_2_ms`]: median(rounds.map((x) => x[engine].two)),
    [`${engine}_speedup`]: median(rounds.map((x) => x[engine].speedup)),
    [`${engine}_round_speedups`]: rounds.map((x) => x[engine].speedup),
  });
  return { model: THREADS_MODEL, runs: base.runs, rounds: rounds.length, ...summary('cnnrt'), ...summary('ort') };
}

function modelSpecs(o) {
  const names = o.models ?? [...ZOO_MODELS, SHIPPED.name];
  return names.map((name) => {
    if (name === SHIPPED.name) return { ...SHIPPED, zoo: false };
    if (!ZOO_MODELS.includes(name) && !fs.existsSync(path.join(o.zoo, name))) throw new Error(`unknown model '${name}'`);
    return { name, model: path.join(o.zoo, name, 'model.onnx'), zoo: true };
  });
}

function writeReports(dir, result) {
  fs.writeFileSync(path.join(dir, 'latest.md'), renderMarkdown(result));
  fs.writeFileSync(path.join(dir, 'latest.svg'), renderSvg(result));
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.render) {
    writeReports(path.dirname(o.render), JSON.parse(fs.readFileSync(o.render, 'utf8')));
    return;
  }
  const loadAtStart = os.loadavg()[0];
  const engines = { jit: engine(o.cnnrt), aot: o.aot ? engine(o.aot) : null };
  const specs = modelSpecs(o);
  for (const s of specs) if (!fs.existsSync(s.model)) throw new Error(`${s.model} is missing (build the zoo: /usr/bin/python3 bench/zoo/export_zoo.py)`);

  console.log('== measuring the FMA peak of one core (cnnrt info --peak)');
  const peakInfo = cnnrtJson(engines.jit, ['info', '--peak', '--json'], 'cnnrt info --peak');
  const peak = Math.max(...peakInfo.peaks.map((p) => p.gflops));
  for (const p of peakInfo.peaks) console.log(`   ${p.isa.padEnd(10)} ${p.gflops.toFixed(1)} GFLOP/s`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnnrt-bench-'));
  const rows = [];
  const failures = [];
  specs.forEach((spec, index) => {
    process.stdout.write(`== ${spec.name} `);
    try {
      const row = benchModel(o, spec, index, engines, tmp);
      row.cnnrt_pct_peak = (100 * row.cnnrt_gflops) / peak;
      row.ort_pct_peak = (100 * row.ort_gflops) / peak;
      rows.push(row);
      const agree = row.agreement.ok ? 'agree' : 'DISAGREE';
      console.log(`(${row.runs} runs) cnnrt ${row.cnnrt.median_ms.toFixed(3)} ms, ORT ${row.ort.median_ms.toFixed(3)} ms, ` +
        `ratio ${row.ratio.toFixed(2)}${row.aot ? `, AOT/JIT ${row.aot_jit_ratio.toFixed(2)}` : ''}, ${agree} (max diff ${row.agreement.max_abs_diff?.toExponential(2)})`);
    } catch (e) {
      console.log(`FAILED: ${e.message}`);
      failures.push({ model: spec.name, error: e.message });
    }
  });

  let threads = null;
  try {
    threads = benchThreads(o, engines, rows);
    if (threads) console.log(`== ${THREADS_MODEL} at 1 and 2 threads: cnnrt ${threads.cnnrt_1_ms.toFixed(2)} / ${threads.cnnrt_2_ms.toFixed(2)} ms (x${threads.cnnrt_speedup.toFixed(2)}), ORT ${threads.ort_1_ms.toFixed(2)} / ${threads.ort_2_ms.toFixed(2)} ms (x${threads.ort_speedup.toFixed(2)})`);
  } catch (e) {
    failures.push({ model: `${THREADS_MODEL} (2 threads)`, error: e.message });
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  const disagreements = rows.filter((r) => !r.agreement.ok || (r.aot_agreement && !r.aot_agreement.ok)).map((r) => r.name);
  const result = {
    machine: { ...machineInfo(peakInfo), load_average_1min: [loadAtStart, os.loadavg()[0]] },
    settings: { runs: o.runs, rounds: o.rounds, warmup: o.warmup, warmup_seconds: o.warmupSeconds, budget_s: o.budget, threads: 1, batch: 1, tolerance: TOLERANCE },
    ort: { version: rows[0]?.ort.version ?? 'unknown', api: rows[0]?.ort.api ?? 'unknown' },
    peak: { gflops: peak, isa: peakInfo.peaks.find((p) => p.gflops === peak).isa, per_isa: peakInfo.peaks },
    models: rows,
    threads,
    failures,
    disagreements,
  };
  fs.mkdirSync(o.out, { recursive: true });
  fs.writeFileSync(path.join(o.out, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  writeReports(o.out, result);
  console.log(`== wrote ${['latest.md', 'latest.json', 'latest.svg'].map((f) => path.join(path.relative(process.cwd(), o.out) || '.', f)).join(', ')}`);

  if (disagreements.length > 0) {
    console.error('\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    console.error(`!!! cnnrt and ONNX Runtime DISAGREE on: ${disagreements.join(', ')}`);
    for (const r of rows.filter((x) => disagreements.includes(x.name))) {
      for (const [label, a] of [['JIT', r.agreement], ['AOT', r.aot_agreement]]) {
        if (a && !a.ok) console.error(`!!!   ${r.name} (${label}): ${a.detail ?? `max |diff| ${a.max_abs_diff} > ${a.tolerance} (1e-4 · max |out| ${a.max_abs_output})`}`);
      }
    }
    console.error('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n');
  }
  if (failures.length > 0) for (const f of failures) console.error(`cnnrt bench: ${f.model} FAILED: ${f.error}`);
  process.exit(disagreements.length > 0 || failures.length > 0 ? 1 : 0);
}

try {
  main();
} catch (e) {
  console.error(`compare: error: ${e.message}`);
  process.exit(1);
}
