// Reliability diagram: accuracy per confidence bin against the diagonal of perfect
// calibration; bar width follows the bin, the gap to the diagonal is the miscalibration.
import type { ReliabilityBin } from '../../core/protocol/events';
import { withAlpha } from '../ui/colors';
import type { Theme } from '../ui/theme';
import { figure } from './canvasFigure';

export function renderReliability(caption: string, bins: ReliabilityBin[], ece: number, color: string, theme: Theme): HTMLElement {
  const size = 200;
  const pad = 24;
  const { el, canvas, ctx } = figure(`${caption} (ECE ${ece.toFixed(3)})`, size + pad + 4, size + pad + 4);
  const x = (v: number): number => pad + v * size;
  const y = (v: number): number => size - v * size + 2;
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(pad, 2, size, size);
  for (const b of bins) {
    if (b.count <= 0) continue;
    ctx.fillStyle = withAlpha(color, 0.75);
    ctx.fillRect(x(b.lo) + 1, y(b.accuracy), Math.max(1, (b.hi - b.lo) * size - 2), b.accuracy * size);
    // Gap to the bin's mean confidence.
    ctx.fillStyle = withAlpha(theme.negative, 0.35);
    const top = y(Math.max(b.accuracy, b.confidence));
    ctx.fillRect(x(b.lo) + 1, top, Math.max(1, (b.hi - b.lo) * size - 2), Math.abs(b.confidence - b.accuracy) * size);
  }
  ctx.strokeStyle = theme.foreground;
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(x(0), y(0));
  ctx.lineTo(x(1), y(1));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = theme.foreground;
  ctx.font = theme.font;
  ctx.fillText('confidence', pad + size / 2 - 24, size + pad - 4);
  ctx.save();
  ctx.translate(12, size / 2 + 20);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('accuracy', 0, 0);
  ctx.restore();
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${caption} reliability diagram`);
  return el;
}
