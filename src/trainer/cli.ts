// `distillery`: the terminal entry (dist/cli.js). One table of subcommands; each is loaded
// only when used, so `validate` and `--help` start without initialising TensorFlow.js.
// Exit codes: 0 success, 1 the command failed (invalid config, failed or stopped run), 2 usage.
import { processOutput, type CliOutput } from './cli/output';

interface Subcommand {
  usage: string;
  summary: string;
  run(argv: string[], o: CliOutput): Promise<number>;
}

const commands: Record<string, Subcommand> = {
  validate: {
    usage: 'distillery validate FILE... [--format text|json]',
    summary: 'check configs with the same validator the editor uses',
    run: async (argv, o) => (await import('./cli/validate')).validateCommand(argv, o),
  },
  run: {
    usage: 'distillery run CONFIG [--set path=value]... [--backend auto|tensorflow|wasm|cpu] [--out RUNS_DIR] [--resume RUN_DIR]',
    summary: 'train teacher, baseline and student, then compare them',
    run: async (argv, o) => (await import('./cli/runCommand')).runCommand(argv, o),
  },
  compare: {
    usage: 'distillery compare RUN_DIR',
    summary: 'print the teacher / baseline / student comparison of a run',
    run: async (argv, o) => (await import('./cli/compareCommand')).compareCommand(argv, o),
  },
  report: {
    usage: 'distillery report RUN_DIR',
    summary: 'write a self-contained HTML report of a run',
    run: async (argv, o) => (await import('./cli/report')).reportCommand(argv, o),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    'Distillery: knowledge-distillation experiments with TensorFlow.js',
    '',
    'usage: distillery <command> [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    ...Object.values(commands).map((c) => `  ${c.usage}`),
    '',
    'Exit codes: 0 success, 1 failure (invalid config, failed or stopped run), 2 usage error.',
    '',
  ].join('\n');
}

export async function main(argv: string[], o: CliOutput = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    o.stdout(helpText());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    o.stderr(`distillery: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    o.stdout(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, o);
  } catch (e) {
    o.stderr(`distillery ${name}: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `distillery compare RUN | head`: a closed pipe ends the output quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
