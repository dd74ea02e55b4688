// Editor responsiveness probe: median time to validate a ~300-line config (parse, schema,
// semantic checks, normalisation), the work done on each debounced edit.
// Usage: npx tsx bench/probes/validate.ts [--runs N]   (prints one JSON line)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateConfig } from '../../src/core/config/validate';

/** The default example with its teacher grown to ~300 lines of block-style layers and comments. */
export function config300(): string {
  const base = readFileSync(resolve(__dirname, '../../examples/mnist-kd.distill.yaml'), 'utf8');
  const lines = base.split('\n');
  const at = lines.findIndex((l) => /^\s+layers:/.test(l));
  const extra: string[] = [];
  for (let i = 0; extra.length + lines.length < 300; i++) {
    extra.push(`    # block ${i}: a wide hidden layer`, '    - dense:', `        units: ${64 + i}`, '        activation: relu');
  }
  // Put the extra dense layers after flatten: insert them just before the teacher's first dense.
  const firstDense = lines.findIndex((l, i) => i > at && /- dense:/.test(l));
  return [...lines.slice(0, firstDense), ...extra, ...lines.slice(firstDense)].join('\n');
}

function main() {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 200;
  const text = config300();
  const path = resolve(__dirname, '../../examples/bench-300.distill.yaml');
  const first = validateConfig(text, { path });
  if (!first.config) {
    process.stderr.write(`the generated config does not validate: ${first.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}\n`);
    process.exit(1);
  }
  for (let i = 0; i < 20; i++) validateConfig(text, { path }); // warm-up (JIT)
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    validateConfig(text, { path });
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ lines: text.split('\n').length, runs, median_ms: times[runs >> 1], p90_ms: times[Math.floor(runs * 0.9)], mean_cpu_ms: (cpu.user + cpu.system) / 1000 / runs }) + '\n');
}

// Importable (test/unit/config/fastYaml.test.ts reads config300) without running the probe.
if (require.main === module) main();
