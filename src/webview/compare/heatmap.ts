// Confusion matrices as heatmaps: teacher and student row-normalised (rate of each true class
// predicted as each class), and the student-minus-teacher difference on a diverging scale.
import { withAlpha } from '../ui/colors';
import type { Theme } from '../ui/theme';
import { figure } from './canvasFigure';

export function rowRates(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

export function renderHeatmap(
  caption: string, classNames: string[], values: number[][], counts: number[][] | undefined, theme: Theme, diverging: boolean,
): HTMLElement {
  const n = classNames.length;
  const margin = 28;
  const cell = Math.max(6, Math.min(28, Math.floor(280 / Math.max(1, n))));
  const size = margin + cell * n;
  const { el, canvas, ctx } = figure(caption, size + 4, size + 4);
  ctx.font = theme.font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const maxAbs = diverging ? Math.max(1e-9, ...values.flat().map(Math.abs)) : 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = values[i]?.[j] ?? 0;
      const x = margin + j * cell;
      const y = margin + i * cell;
      ctx.fillStyle = diverging
        ? withAlpha(v >= 0 ? theme.positive : theme.negative, Math.min(1, Math.abs(v) / maxAbs))
        : withAlpha(theme.palette[0]!, Math.min(1, Math.sqrt(v)));
      ctx.fillRect(x, y, cell - 1, cell - 1);
    }
  }
  ctx.fillStyle = theme.foreground;
  const short = (s: string): string => (s.length > 3 ? s.slice(0, 3) : s);
  if (cell >= 10) {
    for (let k = 0; k < n; k++) {
      ctx.fillText(short(classNames[k]!), margin + k * cell + cell / 2, margin / 2);
      ctx.fillText(short(classNames[k]!), margin / 2, margin + k * cell + cell / 2);
    }
  }
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${caption}: rows are true classes, columns predicted classes`);
  // Exact numbers on hover: canvas pixels carry no text.
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const j = Math.floor((e.clientX - r.left - margin) / cell);
    const i = Math.floor((e.clientY - r.top - margin) / cell);
    if (i < 0 || j < 0 || i >= n || j >= n) {
      canvas.title = '';
      return;
    }
    const v = values[i]![j]!;
    const rate = diverging ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts` : `${(v * 100).toFixed(1)}%`;
    canvas.title = `true ${classNames[i]} → predicted ${classNames[j]}: ${rate}${counts ? ` (${counts[i]![j]})` : ''}`;
  });
  return el;
}
