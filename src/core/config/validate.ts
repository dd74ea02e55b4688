// The one validator behind the editor, `distillery validate` and the trainer:
// YAML text -> positioned document -> schema check -> semantic checks -> typed config.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Diagnostic } from './diagnostics';
import { nodeFsHost, type ConfigHost } from './host';
import { parseConfigText, MAX_CONFIG_CHARS } from './parse';
import { checkSchema } from './schemaCheck';
import { checkSemantics } from './semantic';
import { normalizeConfig } from './normalize';
import type { ExperimentConfig } from './types';

export type { ConfigHost } from './host';

export interface ValidationResult {
  /** Present only when there is no error-severity diagnostic. */
  config?: ExperimentConfig;
  diagnostics: Diagnostic[];
}

export interface ValidateOptions {
  /** The config file's path; relative paths in the config resolve against its folder. */
  path?: string;
  host?: ConfigHost;
}

export function validateConfig(text: string, options: ValidateOptions = {}): ValidationResult {
  const host = options.host ?? nodeFsHost;
  const configPath = options.path ? resolve(options.path) : undefined;
  try {
    const parsed = parseConfigText(text);
    const diagnostics = [...parsed.diagnostics];
    const data = parsed.data as Record<string, unknown> | undefined;
    if (data === undefined) return { diagnostics: sortDiagnostics(diagnostics) };
    const semantic = checkSemantics({ data, source: parsed.source, host, configPath });
    const needsTeacher = semantic.some((d) => d.code === 'needs-teacher');
    // "needs-teacher" at each loss says more than "missing teacher" at the top.
    diagnostics.push(...checkSchema(data, parsed.source).filter((d) => !(needsTeacher && d.code === 'missing-key' && d.pointer === '/teacher')));
    diagnostics.push(...semantic);
    const sorted = sortDiagnostics(diagnostics);
    if (sorted.some((d) => d.severity === 'error')) return { diagnostics: sorted };
    return { config: normalizeConfig(data, configPath), diagnostics: sorted };
  } catch (e) {
    // A validator bug must never take the editor or the CLI down: report it where it can be seen.
    return { diagnostics: [{ severity: 'error', code: 'internal-error', message: `Internal validator error: ${(e as Error).message ?? String(e)}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
  }
}

/** Reads the file's bytes, rejects invalid UTF-8 at its line, then validates. */
export function validateConfigFile(path: string, host: ConfigHost = nodeFsHost): ValidationResult {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { diagnostics: [{ severity: 'error', code: 'file-not-found', message: `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
  }
  if (bytes.length > MAX_CONFIG_CHARS * 4) {
    return { diagnostics: [{ severity: 'error', code: 'file-too-large', message: `${path} is ${(bytes.length / 1e6).toFixed(1)} MB; the limit is ${Math.round(MAX_CONFIG_CHARS / 1024)} KiB.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 0;
    let lineStart = 0;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) { line++; lineStart = i + 1; }
    const character = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at)).length;
    return { diagnostics: [{ severity: 'error', code: 'invalid-utf8', message: `${path} is not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, '0')} at offset ${at}); save it as UTF-8.`, range: { start: { line, character }, end: { line, character: character + 1 } } }] };
  }
  return validateConfig(text, { path, host });
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try { strict.decode(bytes.subarray(i, i + len)); } catch { return i; }
    i += len;
  }
  return Math.max(0, bytes.length - 1);
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
