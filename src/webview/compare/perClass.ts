// Per-class accuracy of teacher, baseline and student side by side, with the student's
// difference to the teacher.
import type { Comparison } from '../../core/protocol/events';
import { pct, points } from './format';

export function renderPerClass(c: Comparison): HTMLElement {
  const table = document.createElement('table');
  table.className = 'per-class';
  const head = table.createTHead().insertRow();
  for (const h of ['class', 'teacher', ...(c.baseline ? ['baseline'] : []), 'student', 'student − teacher']) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  c.class_names.forEach((name, k) => {
    const row = body.insertRow();
    const t = c.teacher.per_class_accuracy[k];
    const s = c.student.per_class_accuracy[k];
    const cells = [name, pct(t), ...(c.baseline ? [pct(c.baseline.per_class_accuracy[k])] : []), pct(s), points(t !== undefined && s !== undefined ? s - t : undefined)];
    for (const text of cells) row.insertCell().textContent = text;
  });
  return table;
}
