// JSON pointers <-> path segments <-> the dotted form used in messages.
import type { PathSegment } from './sourceMap';

export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer.slice(1).split('/').map((s) => {
    const key = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(key) ? Number(key) : key;
  });
}

export function pathToPointer(path: readonly PathSegment[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `distillation.losses[1].temperature`; the root is `the config`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'the config';
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : (out ? '.' : '') + s;
  return out;
}
