// Reads a config file, applies `--set` overrides to its YAML text, and validates it with
// the same validator the editor uses. Nothing is created when it is invalid.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Diagnostic } from '../../core/config/diagnostics';
import type { ExperimentConfig } from '../../core/config/types';
import { validateConfig, validateConfigFile } from '../../core/config/validate';
import { applyOverrides, OverrideError } from './overrides';

export type LoadedExperiment =
  | { ok: true; config: ExperimentConfig; text: string; path: string; diagnostics: Diagnostic[] }
  | { ok: false; path: string; diagnostics: Diagnostic[]; message?: string };

export function loadExperiment(file: string, sets: string[] = []): LoadedExperiment {
  const path = resolve(file);
  if (sets.length === 0) {
    const r = validateConfigFile(path);
    if (!r.config) return { ok: false, path, diagnostics: r.diagnostics };
    return { ok: true, config: r.config, text: readFileSync(path, 'utf8'), path, diagnostics: r.diagnostics };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, path, diagnostics: [], message: `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  try {
    text = applyOverrides(text, sets);
  } catch (e) {
    if (e instanceof OverrideError) return { ok: false, path, diagnostics: [], message: e.message };
    throw e;
  }
  const r = validateConfig(text, { path });
  if (!r.config) return { ok: false, path, diagnostics: r.diagnostics, message: `(with the --set overrides applied: ${sets.join(' ')})` };
  return { ok: true, config: r.config, text, path, diagnostics: r.diagnostics };
}
