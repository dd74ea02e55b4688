// Exports an experiment's exact data split (our seeded loader and splitter) as .npy files plus
// the normalised config, so the PyTorch reference trains the same models on the same examples.
// Usage: npx tsx bench/reference/export-split.ts CONFIG OUT_DIR [--set k=v]...
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadExperiment } from '../../src/trainer/cli/loadExperiment';
import { loadDataset } from '../../src/trainer/data/registry';

/** A minimal .npy (version 1.0, little-endian, C order) writer. */
function npy(data: Float32Array | Int32Array, shape: number[]): Buffer {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic (6) + version (2) + length (2) + header must be a multiple of 64, ending in \n.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

async function main(): Promise<void> {
  const [configPath, outDir, ...rest] = process.argv.slice(2);
  if (!configPath || !outDir) {
    process.stderr.write('usage: tsx bench/reference/export-split.ts CONFIG OUT_DIR [--set k=v]...\n');
    process.exit(2);
  }
  const sets: string[] = [];
  for (let i = 0; i < rest.length; i++) if (rest[i] === '--set' && rest[i + 1]) sets.push(rest[++i]);
  const loaded = loadExperiment(configPath, sets);
  if (!loaded.ok) {
    process.stderr.write(`${configPath}: not a valid experiment (${loaded.message ?? loaded.diagnostics.map((d) => d.message).join('; ')})\n`);
    process.exit(1);
  }
  const c = loaded.config;
  const d = await loadDataset(c.data, { baseDir: dirname(resolve(configPath)), seed: c.seed });
  if (d.inputDtype !== 'float32') throw new Error('the reference handles float inputs only');
  mkdirSync(outDir, { recursive: true });
  for (const [name, split] of [['train', d.train], ['test', d.test]] as const) {
    writeFileSync(join(outDir, `x_${name}.npy`), npy(split.x as Float32Array, [split.count, ...d.inputShape]));
    writeFileSync(join(outDir, `y_${name}.npy`), npy(split.y, [split.count]));
  }
  writeFileSync(join(outDir, 'experiment.json'), JSON.stringify({
    name: c.name, seed: c.seed, input_shape: d.inputShape, num_classes: d.numClasses,
    teacher: { layers: c.teacher.layers, train: c.teacher.train },
    student: { layers: c.student.layers },
    distillation: c.distillation, training: c.training,
  }, null, 1));
  process.stdout.write(`exported ${d.train.count} train / ${d.test.count} test examples to ${outDir}\n`);
}

main().catch((e) => { process.stderr.write(`${(e as Error).message}\n`); process.exit(1); });
