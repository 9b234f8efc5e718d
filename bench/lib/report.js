'use strict';
// Renders bench/compare.js's result object as the markdown table (latest.md) and a grouped bar chart (latest.svg,
// hand-written SVG: latencies on a log scale, since the models span four orders of magnitude).

/** Milliseconds with about four significant digits. */
function ms(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v < 1) return v.toFixed(4);
  if (v < 10) return v.toFixed(3);
  if (v < 100) return v.toFixed(2);
  return v.toFixed(1);
}

function count(v) {
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return String(v);
}

const fixed = (v, digits) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function agreementText(a) {
  if (!a) return '–';
  if (a.detail) return `**✗ DISAGREE** (${a.detail})`;
  const diff = a.max_abs_diff.toExponential(1);
  return a.ok ? `✓ ${diff}` : `**✗ DISAGREE** ${diff} > ${a.tolerance.toExponential(1)}`;
}

function renderMarkdown(r) {
  const m = r.machine;
  const lines = [];
  const anyAot = r.models.some((x) => x.aot);
  lines.push('# cnnrt vs ONNX Runtime: latest run', '');
  lines.push(`- **Machine:** ${m.cpu}, ${m.logical_cores} logical cores${m.physical_cores_per_socket ? ` (${m.physical_cores_per_socket} physical per socket)` : ''}, ` +
    `SIMD flags ${m.simd_flags.join(' ') || 'none'}; Linux ${m.kernel}`);
  lines.push(`- **Date:** ${m.date}` + (m.load_average_1min
    ? `; 1-minute load average ${m.load_average_1min.map((v) => v.toFixed(1)).join(' at the start, ')} at the end ` +
      `(above ~1, other processes competed for the cores and inflated both engines' times)`
    : ''));
  lines.push(`- **cnnrt** ${m.cnnrt_version} on .NET ${m.dotnet} (JIT${anyAot ? '; NativeAOT beside it' : ''}), kernel path chosen: **${m.cnnrt_isa}** ` +
    '(an operator without a fast kernel for it runs its scalar reference)');
  lines.push(`- **ONNX Runtime** ${r.ort.version} (onnxruntime-node, CPU provider, graph optimizations 'all', sequential, ` +
    `timed through its ${r.ort.api === 'binding' ? 'native binding (the synchronous call the public API wraps)' : 'public async API'})`);
  const rounds = r.settings.rounds ?? 1;
  lines.push(`- **Settings:** batch 1, 1 thread (intra-op 1, inter-op 1), median of ${r.settings.runs} runs after a warm-up of at least ${r.settings.warmup} runs and ${r.settings.warmup_seconds} s (cnnrt's JIT build: and until its JIT has compiled nothing for 0.5 s), ` +
    `fewer when a model would take over ${r.settings.budget_s} s per engine (see "runs")` +
    (rounds > 1 ? `; ${rounds} rounds per model, engine order rotating: each engine's median round, and the median of the rounds' ratios` : ''));
  lines.push(`- **Peak** of one core (\`cnnrt info --peak\`, FMA): ${r.peak.per_isa.map((p) => `${p.isa} ${p.gflops.toFixed(1)}`).join(', ')} GFLOP/s; ` +
    `"% peak" is of ${r.peak.gflops.toFixed(1)} (${r.peak.isa})`);
  lines.push('');
  lines.push('| model | MACs | runs | cnnrt ms | ORT ms | cnnrt / ORT | cnnrt GFLOP/s | ORT GFLOP/s | cnnrt % peak | ORT % peak | agreement (max \\|diff\\|) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const x of r.models) {
    lines.push(`| ${x.name} | ${count(x.macs)} | ${x.runs} | ${ms(x.cnnrt.median_ms)} | ${ms(x.ort.median_ms)} | ${fixed(x.ratio, 2)} | ` +
      `${fixed(x.cnnrt_gflops, 2)} | ${fixed(x.ort_gflops, 2)} | ${fixed(x.cnnrt_pct_peak, 2)} | ${fixed(x.ort_pct_peak, 1)} | ${agreementText(x.agreement)} |`);
  }
  lines.push('');
  if (rounds > 1) {
    lines.push(`Ratio per round: ${r.models.filter((x) => x.round_ratios).map((x) => `${x.name} ${x.round_ratios.map((v) => fixed(v, 2)).join(' · ')}`).join('; ')}.`);
    lines.push('');
  }
  lines.push('Latencies are medians (p90 and min are in latest.json). GFLOP/s = 2 · MACs / median; MACs are cnnrt\'s count of the ' +
    'planned graph (`cnnrt inspect`). Agreement: both engines on the same input (the zoo\'s `input.npy`; seeded uniform for ' +
    `fashion_cnn), passing when max |cnnrt − ORT| ≤ ${r.settings.tolerance} · max |ORT output|.`);
  if (r.threads) {
    const t = r.threads;
    lines.push('');
    lines.push(`**Threads (${t.model}, ${t.runs} runs a count, ${t.rounds} rounds, each engine timing a 1-thread and a 2-thread session ` +
      `alternately run by run):** cnnrt ` +
      `${ms(t.cnnrt_1_ms)} ms at 1 thread, ${ms(t.cnnrt_2_ms)} ms at 2 (speedup ${t.cnnrt_speedup.toFixed(2)}×, median of the rounds'); ` +
      `ONNX Runtime ${ms(t.ort_1_ms)} ms at 1, ${ms(t.ort_2_ms)} ms at 2 (speedup ${t.ort_speedup.toFixed(2)}×).`);
    if (t.rounds > 1) {
      lines.push(`Speedup per round: cnnrt ${t.cnnrt_round_speedups.map((v) => fixed(v, 2)).join(' · ')}; ` +
        `ONNX Runtime ${t.ort_round_speedups.map((v) => fixed(v, 2)).join(' · ')}.`);
    }
  }
  if (anyAot) {
    lines.push('', '## NativeAOT vs JIT', '');
    lines.push('| model | JIT ms | AOT ms | AOT / JIT | AOT agreement with ORT |');
    lines.push('|---|---:|---:|---:|---|');
    for (const x of r.models.filter((y) => y.aot)) {
      lines.push(`| ${x.name} | ${ms(x.cnnrt.median_ms)} | ${ms(x.aot.median_ms)} | ${fixed(x.aot_jit_ratio, 2)} | ${agreementText(x.aot_agreement)} |`);
    }
  }
  if (r.disagreements.length > 0) {
    lines.push('', `**✗ cnnrt and ONNX Runtime disagree on: ${r.disagreements.join(', ')}.**`);
  }
  if (r.failures.length > 0) {
    lines.push('', '## Failures', '');
    for (const f of r.failures) lines.push(`- ${f.model}: ${f.error}`);
  }
  lines.push('');
  return lines.join('\n');
}

function xml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function renderSvg(r) {
  const series = [
    { key: 'cnnrt', label: 'cnnrt (JIT)', color: '#d9534f' },
    { key: 'ort', label: `ONNX Runtime ${r.ort.version}`, color: '#337ab7' },
  ];
  if (r.models.some((x) => x.aot)) series.push({ key: 'aot', label: 'cnnrt (NativeAOT)', color: '#f0ad4e' });
  const models = r.models;
  const values = models.flatMap((x) => series.map((s) => x[s.key]?.median_ms).filter((v) => v > 0));
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 1)));
  const bar = 18;
  const group = series.length * bar + 24;
  const left = 70;
  const top = 70;
  const plotH = 320;
  const width = Math.max(640, left + Math.max(1, models.length) * group + 30);
  const height = top + plotH + 120;
  const y = (v) => top + plotH - ((Math.log10(v) - lo) / Math.max(1, hi - lo)) * plotH;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${left}" y="20" font-size="14" font-weight="bold">Median latency, batch 1, 1 thread (log scale; lower is better)</text>`);
  out.push(`<text x="${left}" y="38" fill="#555">${xml(`${r.machine.cpu}, ${r.machine.logical_cores} cores, ${r.machine.cnnrt_isa} · ${r.machine.date.slice(0, 10)}`)}</text>`);
  series.forEach((s, i) => {
    const lx = left + i * 170;
    out.push(`<rect x="${lx}" y="48" width="12" height="12" fill="${s.color}"/><text x="${lx + 16}" y="58">${xml(s.label)}</text>`);
  });
  for (let d = lo; d <= hi; d++) {
    const gy = y(10 ** d);
    out.push(`<line x1="${left}" y1="${gy}" x2="${width - 20}" y2="${gy}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${gy + 4}" text-anchor="end">${xml(`${10 ** d >= 1 ? 10 ** d : (10 ** d).toFixed(-d)} ms`)}</text>`);
  }
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${width - 20}" y2="${top + plotH}" stroke="#333"/>`);
  models.forEach((x, i) => {
    const gx = left + 12 + i * group;
    series.forEach((s, k) => {
      const v = x[s.key]?.median_ms;
      if (!(v > 0)) return;
      const by = y(v);
      out.push(`<rect x="${gx + k * bar}" y="${by.toFixed(1)}" width="${bar - 2}" height="${(top + plotH - by).toFixed(1)}" fill="${s.color}">` +
        `<title>${xml(`${x.name}, ${s.label}: ${ms(v)} ms`)}</title></rect>`);
    });
    const mark = x.agreement?.ok ? '' : ' ✗';
    out.push(`<text x="${gx + (series.length * bar) / 2}" y="${top + plotH + 14}" text-anchor="middle" fill="#333">${xml(`×${fixed(x.ratio, 1)}${mark}`)}</text>`);
    const lx = gx + (series.length * bar) / 2;
    out.push(`<text x="${lx}" y="${top + plotH + 28}" text-anchor="end" transform="rotate(-35 ${lx} ${top + plotH + 28})">${xml(x.name)}</text>`);
  });
  out.push(`<text x="${left}" y="${height - 8}" fill="#555">×N under each model: cnnrt / ONNX Runtime median latency; ✗ marks outputs that disagree.</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

module.exports = { renderMarkdown, renderSvg };
