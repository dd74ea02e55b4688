// Trained teachers cached by content: the key hashes everything that determines the
// teacher (data fingerprint, layers, training settings, seed). An entry is written to a
// temp folder and renamed into place, under a lock file, so two processes training the
// same teacher never leave a half-written entry.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LayerConfig, TrainConfig } from '../../core/config/types';
import { isProcessAlive } from '../../core/runs/processAlive';

export interface TeacherKeyParts {
  dataFingerprint: string;
  layers: LayerConfig[];
  train: TrainConfig;
  seed: number;
  inputShape: number[];
  numClasses: number;
}

export function teacherCacheKey(p: TeacherKeyParts): string {
  return createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 24);
}

/** `.distillery/cache/teachers` beside a `.distillery/runs` folder; `<runs>/../cache/teachers` in general. */
export function defaultTeacherCacheRoot(runsDir: string): string {
  return join(dirname(resolve(runsDir)), 'cache', 'teachers');
}

export class TeacherCache {
  constructor(readonly root: string) {}

  entryDir(key: string): string {
    return join(this.root, key);
  }

  /** The model folder of a complete entry, or undefined. */
  lookup(key: string): string | undefined {
    const dir = this.entryDir(key);
    return existsSync(join(dir, 'model.json')) ? dir : undefined;
  }

  /**
   * Takes the entry's lock (waiting up to `waitMs` for another process that holds it; a lock
   * whose process is dead is broken). Returns a release function, or undefined when the
   * lock could not be taken in time (the caller then trains without caching).
   */
  async lock(key: string, waitMs = 10 * 60_000): Promise<(() => void) | undefined> {
    mkdirSync(this.root, { recursive: true });
    const file = join(this.root, `${key}.lock`);
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return () => rmSync(file, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder = NaN;
      try { holder = Number(readFileSync(file, 'utf8')); } catch { /* released meanwhile */ }
      if (Number.isFinite(holder) && holder > 0 && !isProcessAlive(holder)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Publishes a model: `write(tmpDir)` saves it, then the folder is renamed into place. */
  async store(key: string, write: (dir: string) => Promise<void>): Promise<string> {
    const dir = this.entryDir(key);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      await write(tmp);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  }
}
