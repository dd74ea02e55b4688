// A tiny synthetic tabular experiment (3 Gaussian blobs in 8 dimensions) written to a temp
// folder as a CSV plus a `*.distill.yaml`, so loop tests train real models in a second or two.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../src/core/config/validate';
import type { ExperimentConfig } from '../../../src/core/config/types';
import { mulberry32 } from '../../../src/trainer/data/random';

export interface TinyExperiment { dir: string; configPath: string; text: string; config: ExperimentConfig; runsDir: string }

export function writeBlobsCsv(file: string, rows: number, seed = 1): void {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const lines = ['f0,f1,f2,f3,f4,f5,f6,f7,cls'];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    const f = Array.from({ length: 8 }, (_, j) => (j % 3 === c ? 1.5 : 0) + gauss());
    lines.push(`${f.map((v) => v.toFixed(3)).join(',')},${['a', 'b', 'c'][c]}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/** The YAML of a tiny run; `extra` lines are appended to the training block. */
export function tinyYaml(opts: { epochs?: number; teacherEpochs?: number; batch?: number; lr?: number; optimizer?: string; baseline?: boolean; losses?: string; train?: number; test?: number } = {}): string {
  return `version: 1
name: tiny-blobs
seed: 3
data:
  dataset: {format: csv, path: blobs.csv, label: cls}
  split: {train: ${opts.train ?? 200}, test: ${opts.test ?? 100}}
teacher:
  layers:
    - dense: {units: 32, activation: relu, name: penultimate}
    - dense: {units: 3}
  train: {epochs: ${opts.teacherEpochs ?? 1}, batch_size: 16, optimizer: {name: adam, learning_rate: 0.01}}
student:
  layers:
    - dense: {units: 8, activation: relu, name: hidden}
    - dense: {units: 3}
distillation:
  losses:
${opts.losses ?? `    - kind: cross_entropy
      weight: 0.5
    - kind: soft_kd
      weight: 0.5
      temperature: 2
    - kind: hint
      weight: 0.1
      teacher_layer: penultimate
      student_layer: hidden`}
training:
  epochs: ${opts.epochs ?? 1}
  batch_size: ${opts.batch ?? 16}
  optimizer: {name: ${opts.optimizer ?? 'adam'}, learning_rate: ${opts.lr ?? 0.01}}
  lr_schedule: {name: cosine}
  baseline: ${opts.baseline ?? true}
  backend: cpu
evaluation:
  every: 1
  examples: 4
  latency: false
`;
}

export function tinyExperiment(opts: Parameters<typeof tinyYaml>[0] = {}): TinyExperiment {
  const dir = mkdtempSync(join(tmpdir(), 'distillery-loop-'));
  writeBlobsCsv(join(dir, 'blobs.csv'), (opts.train ?? 200) + (opts.test ?? 100));
  const configPath = join(dir, 'tiny.distill.yaml');
  const text = tinyYaml(opts);
  writeFileSync(configPath, text);
  const r = validateConfig(text, { path: configPath });
  if (!r.config) throw new Error(`fixture config invalid: ${JSON.stringify(r.diagnostics)}`);
  return { dir, configPath, text, config: r.config, runsDir: join(dir, '.distillery', 'runs') };
}
