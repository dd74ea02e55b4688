// Test helpers: a document written with `|` where the cursor is, and a file host over the fixtures.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LanguageContext, LanguageHost } from '../../../src/core/language/languageContext';

export function at(marked: string): { text: string; position: { line: number; character: number } } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker in the test document');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const lines = text.slice(0, offset).split('\n');
  return { text, position: { line: lines.length - 1, character: lines[lines.length - 1].length } };
}

export const fixtureProject = join(__dirname, 'fixtures', 'project');

export const fsHost: LanguageHost = {
  async readFile(p) {
    try { return readFileSync(p, 'utf8'); } catch { return undefined; }
  },
  async readDirectory(p) {
    try {
      return readdirSync(p).map((name) => ({ name, isDirectory: statSync(join(p, name)).isDirectory() }));
    } catch {
      return undefined;
    }
  },
};

export const projectContext: LanguageContext = { configPath: join(fixtureProject, 'exp.distill.yaml'), host: fsHost };

/** A complete config with named layers on both sides. */
export const fullConfig = `version: 1
name: mnist-cnn-to-mlp
seed: 7

data:
  dataset: mnist
  split: {train: 8000, test: 2000}

teacher:
  layers:
    - conv2d: {filters: 32, kernel: 3, activation: relu}
    - conv2d: {filters: 64, kernel: 3, activation: relu, name: features}
    - flatten: {}
    - dense:
        units: 128
        activation: relu
        name: penultimate
    - dense: {units: 10}
  train: {epochs: 3, batch_size: 64}

student:
  layers:
    - flatten: {}
    - dense: {units: 128, activation: relu, name: hidden}
    - dense: {units: 10, name: out}

distillation:
  losses:
    - kind: cross_entropy
      weight: 0.1
    - kind: soft_kd
      weight: 0.9
      temperature: 4
    - kind: hint
      teacher_layer: penultimate
      student_layer: hidden
      projection: linear
  weighting: fixed

training:
  epochs: 5
  optimizer: {name: adam, learning_rate: 0.001}
  lr_schedule: {name: cosine}
`;

/** `fullConfig` with the cursor marker inserted at the first occurrence of `anchor` (at its end). */
export function inFull(anchor: string, replacement?: string): string {
  const i = fullConfig.indexOf(anchor);
  if (i < 0) throw new Error(`anchor not found: ${anchor}`);
  return fullConfig.slice(0, i) + (replacement ?? anchor) + '|' + fullConfig.slice(i + anchor.length);
}
