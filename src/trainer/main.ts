// The trainer process forked by the extension (dist/trainer.js):
//   --config FILE [--out RUNS_DIR] [--set k=v]... [--backend X] [--resume RUN_DIR]
// Events go to events.jsonl and over IPC; diagnostics of an invalid config go to stderr.
import { parseRunArgs, executeRun, RUN_USAGE } from './cli/runCommand';
import { UsageError } from './cli/args';
import { processOutput } from './cli/output';

async function trainerMain(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseRunArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nusage: ${RUN_USAGE.replace('distillery run CONFIG', 'trainer --config CONFIG')}\n`);
      return 2;
    }
    throw e;
  }
  // Without a parent (run by hand) show progress; when forked the editor shows it.
  const forked = typeof process.send === 'function';
  return (await executeRun(args, processOutput, !forked)).exitCode;
}

trainerMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // The IPC channel keeps a forked process alive; close it once everything is written.
    if (process.connected) process.disconnect();
  },
  (e) => {
    process.stderr.write(`trainer: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
    if (process.connected) process.disconnect();
  },
);
