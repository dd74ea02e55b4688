// CSV with numeric feature columns and a label column (any values; they become class names).
import type { DatasetConfig } from '../../core/config/types';
import { DataError, type DatasetLoader, type SourceExamples } from './types';
import { readDataFile, resolveDataPath, sha256 } from './sourceFiles';
import { indexLabels } from './labels';

type CsvConfig = Extract<DatasetConfig, { format: 'csv' }>;

export interface CsvRecord { fields: string[]; /** 1-based line where the record starts */ line: number }

/** RFC 4180 parsing: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF; BOM ignored. */
export function parseCsv(text: string, file: string): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0].trim() === '' && !fieldStarted)) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field.trim() === '') {
      const openLine = line;
      field = '';
      fieldStarted = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new DataError('a quoted field is never closed (missing ")', { file, line: openLine });
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      // Only spaces may follow a closing quote before the separator.
      while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
      if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        throw new DataError(`unexpected text after a closing quote: ${JSON.stringify(text.slice(i, i + 20))}`, { file, line });
      }
      continue;
    }
    if (ch === ',') { fields.push(field); field = ''; fieldStarted = true; i++; continue; }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += ch;
    i++;
  }
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

export const csv: DatasetLoader<CsvConfig> = {
  id: 'csv',
  description: 'A CSV file with a header row: numeric feature columns and a label column.',
  async load(config, ctx): Promise<SourceExamples> {
    const file = resolveDataPath(ctx.baseDir, config.path);
    const bytes = await readDataFile(file, 'CSV file');
    const records = parseCsv(bytes.toString('utf8'), file);
    if (records.length === 0) throw new DataError('the CSV file is empty: expected a header row and data rows', { file });
    const header = records[0].fields.map((h) => h.trim());
    const rows = records.slice(1);
    const columnList = header.map((h) => JSON.stringify(h)).join(', ');
    const labelCol = header.indexOf(config.label);
    if (labelCol < 0) throw new DataError(`no label column "${config.label}"; the columns are: ${columnList}`, { file, line: 1 });
    const featureNames = config.features ?? header.filter((_, c) => c !== labelCol);
    const featureCols = featureNames.map((f) => {
      const c = header.indexOf(f);
      if (c < 0) throw new DataError(`no feature column "${f}"; the columns are: ${columnList}`, { file, line: 1 });
      if (c === labelCol) throw new DataError(`column "${f}" is the label column and cannot also be a feature`, { file, line: 1 });
      return c;
    });
    if (featureCols.length === 0) throw new DataError(`no feature columns: the file has only the label column "${config.label}"`, { file, line: 1 });
    if (rows.length === 0) throw new DataError('the CSV file has a header but no data rows', { file });

    const nf = featureCols.length;
    const values = new Float32Array(rows.length * nf);
    const rawLabels: string[] = new Array(rows.length);
    rows.forEach((r, i) => {
      if (r.fields.length !== header.length) {
        throw new DataError(`row has ${r.fields.length} values but the header has ${header.length} columns`, { file, line: r.line });
      }
      for (let j = 0; j < nf; j++) {
        const s = r.fields[featureCols[j]].trim();
        const v = Number(s);
        if (s === '' || !Number.isFinite(v)) {
          const why = s === '' ? 'is empty' : `is ${JSON.stringify(s)}, not a finite number`;
          throw new DataError(`column "${header[featureCols[j]]}" ${why}`, { file, line: r.line, entry: header[featureCols[j]] });
        }
        values[i * nf + j] = v;
      }
      const label = r.fields[labelCol].trim();
      if (label === '') throw new DataError(`label column "${config.label}" is empty`, { file, line: r.line, entry: config.label });
      rawLabels[i] = label;
    });
    const { classNames, labels } = indexLabels(rawLabels);
    return {
      name: config.path,
      kind: 'tabular',
      shape: [nf],
      values,
      featureNames,
      standardise: true,
      labels,
      classNames,
      contentHash: sha256(bytes),
    };
  },
};
