// RFC 4180 CSV: fields with commas, quotes or newlines are quoted; missing numbers are empty.

function field(v: string | number | undefined): string {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}
