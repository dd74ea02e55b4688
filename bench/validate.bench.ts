// Config validation speed: a ~300-line config validated repeatedly (median after warm-up;
// target < 5 ms, the budget for validating on every keystroke), and the cold start of
// `distillery validate` (node dist/cli.js when built, else a direct tsx run).
// Run: npx tsx bench/validate.bench.ts
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseAllDocuments } from 'yaml';
import { fastParseConfig } from '../src/core/config/fastYaml';
import { validateConfig } from '../src/core/config/validate';

const root = resolve(__dirname, '..');

/** A valid config of about 300 lines: deep models, many loss terms, comments. */
export function largeConfig(): string {
  const lines = ['# yaml-language-server: $schema=../schemas/distill.schema.json', 'version: 1', 'name: bench-300', 'seed: 1', 'data:', '  dataset: mnist', '  split: {train: 6000, validation: 1000, test: 2000}', 'teacher:', '  layers:'];
  for (let i = 0; i < 40; i++) lines.push(`    - conv2d: {filters: ${8 + i}, kernel: 3, padding: same, activation: relu, name: t_conv${i}}   # block ${i}`);
  lines.push('    - flatten: {}', '    - dense: {units: 128, activation: relu, name: penultimate}', '    - dense: {units: 10}');
  lines.push('  train:', '    epochs: 3', '    batch_size: 64', '    optimizer: {name: adam, learning_rate: 0.001}', '    lr_schedule: {name: step, step_epochs: 1, gamma: 0.5}');
  lines.push('student:', '  layers:', '    - flatten: {}');
  for (let i = 0; i < 30; i++) lines.push(`    - dense: {units: ${32 + i}, activation: relu, name: s_dense${i}}`);
  lines.push('    - dense: {units: 10}', 'distillation:', '  losses:');
  lines.push('    - kind: cross_entropy', '      weight: 0.1', '    - kind: soft_kd', '      weight: {from: 0.5, to: 0.9, shape: cosine, over: epochs}', '      temperature: 4');
  for (let i = 0; i < 30; i++) {
    lines.push(`    # hint ${i}: teacher conv ${i} -> student dense ${i}`, '    - kind: hint', `      id: hint_${i}`, `      teacher_layer: t_conv${i}`, `      student_layer: s_dense${i}`, '      projection: linear', '      distance: mse', `      weight: {value: ${(i + 1) / 10}, warmup_epochs: 1}`);
  }
  lines.push('  weighting: uncertainty', 'training:', '  epochs: 5', '  batch_size: 64', '  optimizer: {name: adamw, learning_rate: 0.001, weight_decay: 0.0001}', '  lr_schedule: {name: cosine, warmup_epochs: 1}', '  baseline: true', 'evaluation:', '  every: 1', '  examples: 24', '  latency: false');
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main() {
  const text = largeConfig();
  const first = validateConfig(text);
  if (first.diagnostics.length) throw new Error('bench config is not clean: ' + JSON.stringify(first.diagnostics.slice(0, 3)));
  for (let i = 0; i < 50; i++) validateConfig(text); // warm-up
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    validateConfig(text);
    times.push(performance.now() - t0);
  }
  // CPU time per run as well: on a shared machine, wall time mostly measures the neighbours.
  const cpuMs = (process.cpuUsage(cpu0).user / 1000) / times.length;
  const lines = text.split('\n').length - 1;
  const med = median(times);
  console.log(`validate ${lines}-line config: median ${med.toFixed(2)} ms, p90 ${[...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)].toFixed(2)} ms over ${times.length} runs, ${cpuMs.toFixed(2)} ms CPU per run (target < 5 ms) ${med < 5 ? 'OK' : 'SLOW'}; load average ${loadavg()[0].toFixed(1)} on ${require('node:os').cpus().length} cores`);

  // For scale: the yaml package's parse alone (what every validation paid before the fast
  // path, and still pays for YAML outside its subset), and the fast path's parse that replaced it.
  const parseOnly = (label: string, parse: () => unknown) => {
    const ts: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      parse();
      ts.push(performance.now() - t0);
    }
    console.log(`  ${label}: median ${median(ts).toFixed(2)} ms, ${(process.cpuUsage(c0).user / 1000 / ts.length).toFixed(2)} ms CPU per run`);
  };
  if (!fastParseConfig(text)) throw new Error('the bench config no longer takes the fast YAML path');
  parseOnly('parse by the fast path (src/core/config/fastYaml.ts, taken for this config)', () => fastParseConfig(text));
  parseOnly("for scale, the yaml package's parseAllDocuments alone (the fallback)", () => parseAllDocuments(text));

  const cli = resolve(root, 'dist/cli.js');
  const example = resolve(root, 'examples/mnist-kd.distill.yaml');
  const [cmd, args, label] = existsSync(cli)
    ? [process.execPath, [cli, 'validate', example], 'node dist/cli.js validate']
    : [process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(resolve(root, 'src/trainer/cli/validate.ts'))}).validateCommand([${JSON.stringify(example)}], {stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s)}).then((c) => process.exit(c))`], 'tsx src/trainer/cli/validate.ts (no dist/cli.js)'];
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args as string[], { cwd: root, encoding: 'utf8' });
    cold.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr}`);
  }
  console.log(`cold start, ${label} examples/mnist-kd.distill.yaml: median ${median(cold).toFixed(0)} ms of ${cold.length} runs (min ${Math.min(...cold).toFixed(0)} ms)`);
}

if (require.main === module) main();
