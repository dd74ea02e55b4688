// `distillery report`: the HTML report is written by src/trainer/cli/report.ts (another
// part of the project); until it exists this says so instead of failing.
import type { CliOutput } from './output';

export async function reportEntry(_argv: string[], o: CliOutput): Promise<number> {
  o.stderr('distillery report: not available in this build (the report command is not included yet).\n');
  return 1;
}
