// Shared helpers for the config tests: example texts, and positions of text in them.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../../../src/core/config/diagnostics';

export const examplesDir = resolve(__dirname, '../../../examples');
export const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.distill.yaml')).sort();
export const examplePath = (name: string) => join(examplesDir, name);
export const exampleText = (name: string) => readFileSync(examplePath(name), 'utf8');

/** 0-based position of the `nth` occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} (#${nth}) not in text`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}

/** 0-based line of the first line containing `needle`. */
export const lineOf = (text: string, needle: string, nth = 0) => positionOf(text, needle, nth).line;

export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`${JSON.stringify(from)} not in text`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

export const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
export const errorsOf = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');
export function only(ds: Diagnostic[], code: string): Diagnostic {
  const found = ds.filter((d) => d.code === code);
  if (found.length !== 1) throw new Error(`expected one ${code}, got ${JSON.stringify(ds.map((d) => `${d.code}@${d.range.start.line}: ${d.message}`))}`);
  return found[0];
}
