// Examples where teacher and student disagree: the input (MNIST pixels on a canvas, text,
// or feature values) with both predictions and confidences, filterable by true class and
// by which model is right.
import type { Comparison, Disagreement, ExampleInput } from '../../core/protocol/events';
import { dropdown } from '../ui/toolkit';

export type WhoIsRight = 'all' | 'teacher' | 'student' | 'neither';
export interface GalleryFilter { cls: number; who: WhoIsRight }

const MAX_SHOWN = 120;

export function matches(d: Disagreement, f: GalleryFilter): boolean {
  if (f.cls >= 0 && d.label !== f.cls) return false;
  const t = d.teacher.pred === d.label;
  const s = d.student.pred === d.label;
  switch (f.who) {
    case 'all': return true;
    case 'teacher': return t && !s;
    case 'student': return s && !t;
    case 'neither': return !t && !s;
    default: {
      const unhandled: never = f.who;
      return unhandled;
    }
  }
}

function drawInput(input: ExampleInput): HTMLElement {
  switch (input.kind) {
    case 'image': {
      const canvas = document.createElement('canvas');
      const { width, height, channels, pixels } = input;
      canvas.width = width;
      canvas.height = height;
      const img = new ImageData(width, height);
      for (let p = 0; p < width * height; p++) {
        const at = p * channels;
        const r = pixels[at] ?? 0;
        img.data[p * 4] = r;
        img.data[p * 4 + 1] = channels >= 3 ? pixels[at + 1] ?? 0 : r;
        img.data[p * 4 + 2] = channels >= 3 ? pixels[at + 2] ?? 0 : r;
        img.data[p * 4 + 3] = channels === 4 ? pixels[at + 3] ?? 255 : 255;
      }
      canvas.getContext('2d')!.putImageData(img, 0, 0);
      return canvas;
    }
    case 'text': {
      const div = document.createElement('div');
      div.className = 'text';
      div.textContent = input.text.length > 280 ? `${input.text.slice(0, 280)}…` : input.text;
      return div;
    }
    case 'features': {
      const div = document.createElement('div');
      div.className = 'text';
      div.textContent = input.values.slice(0, 12).map((v) => v.toFixed(2)).join(', ') + (input.values.length > 12 ? ', …' : '');
      return div;
    }
    default: {
      const unhandled: never = input;
      return unhandled;
    }
  }
}

function prediction(who: string, p: { pred: number; confidence: number }, label: number, names: string[]): HTMLElement {
  const div = document.createElement('div');
  div.className = p.pred === label ? 'right' : 'wrong';
  div.textContent = `${who}: ${names[p.pred] ?? p.pred} (${(p.confidence * 100).toFixed(1)}%)`;
  return div;
}

export function renderGallery(c: Comparison, filter: GalleryFilter, onFilter: (f: GalleryFilter) => void): HTMLElement {
  const el = document.createElement('div');
  const filters = document.createElement('div');
  filters.className = 'filters';
  const grid = document.createElement('div');
  grid.className = 'gallery';
  const note = document.createElement('span');
  note.className = 'muted';
  const fill = (): void => {
    grid.replaceChildren();
    const shown = c.disagreements.filter((d) => matches(d, filter));
    note.textContent = `${Math.min(shown.length, MAX_SHOWN)} of ${shown.length} shown (${c.disagreements.length} disagreements recorded)`;
    for (const d of shown.slice(0, MAX_SHOWN)) {
      const card = document.createElement('div');
      card.className = 'example';
      const label = document.createElement('div');
      label.textContent = `#${d.index} · true ${c.class_names[d.label] ?? d.label}`;
      card.append(drawInput(d.input), label, prediction('teacher', d.teacher, d.label, c.class_names), prediction('student', d.student, d.label, c.class_names));
      grid.append(card);
    }
  };
  const classOptions = [{ value: '-1', label: 'all classes' }, ...c.class_names.map((n, k) => ({ value: String(k), label: n }))];
  filters.append(
    dropdown(classOptions, String(filter.cls), (v) => {
      filter = { ...filter, cls: Number(v) };
      onFilter(filter);
      fill();
    }, 'true class'),
    dropdown<WhoIsRight>([
      { value: 'all', label: 'all disagreements' },
      { value: 'teacher', label: 'teacher right, student wrong' },
      { value: 'student', label: 'student right, teacher wrong' },
      { value: 'neither', label: 'both wrong' },
    ], filter.who, (v) => {
      filter = { ...filter, who: v };
      onFilter(filter);
      fill();
    }, 'who is right'),
    note,
  );
  el.append(filters, grid);
  fill();
  return el;
}
