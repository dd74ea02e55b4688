// `distillery run CONFIG [--set path=value]... [--backend X] [--out DIR] [--resume RUN_DIR]`
// and the forked trainer's entry share this: load + validate, then run the experiment.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackendName } from '../../core/config/types';
import type { Comparison } from '../../core/protocol/events';
import { DEFAULT_RUNS_DIR, runPaths } from '../../core/runs/layout';
import { readRunInfo } from '../../core/runs/runInfo';
import { validateConfig } from '../../core/config/validate';
import { RunSetupError, runExperiment, type ExperimentOutcome } from '../loop/experiment';
import { StopControl } from '../run/stopControl';
import { lastFlag, parseArgs, UsageError } from './args';
import { formatDiagnostics } from './formatDiagnostics';
import { loadExperiment } from './loadExperiment';
import type { CliOutput } from './output';
import { ProgressDisplay } from './progress';
import { comparisonTable } from './summaryTable';

const BACKENDS: BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface RunArgs {
  config?: string;
  sets: string[];
  backend?: BackendName;
  out: string;
  resume?: string;
}

export const RUN_USAGE = 'distillery run CONFIG [--set path=value]... [--backend auto|tensorflow|wasm|cpu] [--out RUNS_DIR] [--resume RUN_DIR]';

/** Parses run arguments; the config may come positionally (CLI) or as --config (forked trainer). */
export function parseRunArgs(argv: string[]): RunArgs {
  const a = parseArgs(argv, { values: ['set', 'backend', 'out', 'resume', 'config'] });
  if (a.positional.length > 1) throw new UsageError(`expected one config file, got ${a.positional.join(' ')}`);
  const config = lastFlag(a, 'config') ?? a.positional[0];
  const resume = lastFlag(a, 'resume');
  if (!config && !resume) throw new UsageError('a config file is required (or --resume RUN_DIR)');
  const backend = lastFlag(a, 'backend') as BackendName | undefined;
  if (backend && !BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got ${backend}`);
  return { config, sets: a.flags.get('set') ?? [], backend, out: lastFlag(a, 'out') ?? DEFAULT_RUNS_DIR, resume };
}

export interface RunExecution { exitCode: number; outcome?: ExperimentOutcome }

/** Validates and runs; prints diagnostics (and, with `display`, progress and the final table). */
export async function executeRun(args: RunArgs, o: CliOutput, display: boolean): Promise<RunExecution> {
  let config;
  let text: string;
  if (args.resume) {
    const paths = runPaths(resolve(args.resume));
    const info = readRunInfo(paths.info);
    if (!info || !existsSync(paths.config)) {
      o.stderr(`${args.resume} is not a run folder that can be resumed (run.json or config.yaml is missing).\n`);
      return { exitCode: 1 };
    }
    if (args.sets.length) o.stderr('note: --set is ignored with --resume; the run continues with the config it started with.\n');
    text = readFileSync(paths.config, 'utf8');
    // Relative paths in the config resolve against the original file's folder.
    const r = validateConfig(text, { path: info.source ?? paths.config });
    if (!r.config) {
      o.stderr(formatDiagnostics(paths.config, r.diagnostics));
      return { exitCode: 1 };
    }
    config = r.config;
  } else {
    const loaded = loadExperiment(args.config!, args.sets);
    const warnings = loaded.diagnostics.filter((d) => d.severity !== 'error');
    if (!loaded.ok) {
      o.stderr(formatDiagnostics(args.config!, loaded.diagnostics));
      if (loaded.message) o.stderr(loaded.message + '\n');
      const n = loaded.diagnostics.filter((d) => d.severity === 'error').length;
      if (n) o.stderr(`${n} error(s): nothing was run.\n`);
      return { exitCode: 1 };
    }
    if (warnings.length) o.stderr(formatDiagnostics(args.config!, warnings));
    config = loaded.config;
    text = loaded.text;
  }
  const progress = display ? new ProgressDisplay(o) : undefined;
  const stop = new StopControl((why) => o.stderr(`\nstopping (${why}): finishing the current step and writing a checkpoint…\n`)).install();
  let outcome: ExperimentOutcome;
  try {
    outcome = await runExperiment({
      config, configText: text, runsDir: resolve(args.out), resumeDir: args.resume, backend: args.backend, stop,
      onEvent: progress?.onEvent, versions: { distillery: VERSION },
    });
  } catch (e) {
    if (e instanceof RunSetupError) {
      o.stderr(`${e.message}\n`);
      return { exitCode: 1 };
    }
    throw e;
  } finally {
    stop.dispose();
  }
  if (display && outcome.status === 'completed') {
    const file = join(outcome.runDir, 'comparison.json');
    if (existsSync(file)) o.stdout('\n' + comparisonTable(JSON.parse(readFileSync(file, 'utf8')) as Comparison));
  }
  if (display) o.stdout(`run folder: ${outcome.runDir}\n`);
  if (outcome.status === 'stopped') o.stdout(`resume with: distillery run --resume ${outcome.runDir}\n`);
  return { exitCode: outcome.status === 'completed' ? 0 : 1, outcome };
}

declare const __DISTILLERY_VERSION__: string | undefined;
const VERSION = typeof __DISTILLERY_VERSION__ === 'string' ? __DISTILLERY_VERSION__ : '0.1.0';

export async function runCommand(argv: string[], o: CliOutput): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      o.stderr(`${e.message}\nusage: ${RUN_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  return (await executeRun(args, o, true)).exitCode;
}
