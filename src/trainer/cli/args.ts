// A small argv parser for the subcommands: positional arguments, `--flag value`,
// `--flag=value`, and repeatable flags (`--set` may appear many times).
export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
  booleans: Set<string>;
}

export function parseArgs(argv: string[], spec: { values: string[]; booleans?: string[] }): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') { out.positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    if (spec.booleans?.includes(name)) { out.booleans.add(name); continue; }
    if (!spec.values.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    out.flags.set(name, [...(out.flags.get(name) ?? []), value]);
  }
  return out;
}

export const lastFlag = (a: ParsedArgs, name: string): string | undefined => a.flags.get(name)?.at(-1);
