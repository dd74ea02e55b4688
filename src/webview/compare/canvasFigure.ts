// A captioned canvas sized for the device pixel ratio, drawn in CSS pixels.
export interface Figure { el: HTMLElement; canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D }

export function figure(caption: string, width: number, height: number): Figure {
  const el = document.createElement('div');
  el.className = 'figure';
  const title = document.createElement('div');
  title.textContent = caption;
  const canvas = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  el.append(title, canvas);
  return { el, canvas, ctx };
}
