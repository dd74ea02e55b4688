// Number formatting for the comparison view.

export const pct = (x: number | undefined, digits = 2): string =>
  x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;

/** Accuracy points, signed: +1.23 pts. */
export const points = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(2)} pts`;

export const count = (n: number | undefined): string => {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
};

export const bytes = (n: number | undefined): string => {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
};

export const ms = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(x < 10 ? 2 : 1)} ms`);

export const ratio = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`);

export const fixed = (x: number | undefined, digits = 4): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
