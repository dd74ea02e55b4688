// `distillery compare RUN_DIR`: prints the teacher / baseline / student table of a finished run.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Comparison } from '../../core/protocol/events';
import { runPaths } from '../../core/runs/layout';
import { summariseRun } from '../../core/runs/listRuns';
import type { CliOutput } from './output';
import { comparisonTable, formatTable } from './summaryTable';

export async function compareCommand(argv: string[], o: CliOutput): Promise<number> {
  if (argv.length !== 1 || argv[0].startsWith('--')) {
    o.stderr('usage: distillery compare RUN_DIR\n');
    return 2;
  }
  const paths = runPaths(resolve(argv[0]));
  let c: Comparison;
  try {
    c = JSON.parse(readFileSync(paths.comparison, 'utf8')) as Comparison;
  } catch (e) {
    const s = summariseRun(paths.dir);
    o.stderr(`${paths.comparison}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not written yet' : (e as Error).message} (run status: ${s.status}${s.error ? `, ${s.error}` : ''}).\n`);
    return 1;
  }
  o.stdout(comparisonTable(c));
  const k = c.class_names.length;
  if (k <= 20) {
    const rows = [['class', 'teacher', ...(c.baseline ? ['baseline'] : []), 'student']];
    for (let i = 0; i < k; i++) {
      const p = (x: number) => `${(x * 100).toFixed(1)}%`;
      rows.push([c.class_names[i], p(c.teacher.per_class_accuracy[i]), ...(c.baseline ? [p(c.baseline.per_class_accuracy[i])] : []), p(c.student.per_class_accuracy[i])]);
    }
    o.stdout('\nper-class accuracy\n' + formatTable(rows));
  }
  o.stdout(`\n${c.disagreements.length} confident disagreement(s) kept; KL(teacher‖student) ${c.student.kl_to_teacher.toFixed(4)}\n`);
  return 0;
}
