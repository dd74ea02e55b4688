// JSON Lines: one object per line with a text field and a label field (names from the config).
import type { DatasetConfig } from '../../core/config/types';
import { DataError, type DatasetLoader, type SourceExamples } from './types';
import { readDataFile, resolveDataPath, sha256 } from './sourceFiles';
import { indexLabels } from './labels';

type JsonlConfig = Extract<DatasetConfig, { format: 'jsonl' }>;

export const jsonl: DatasetLoader<JsonlConfig> = {
  id: 'jsonl',
  description: 'A JSON Lines file: one object per line with a text field and a label field.',
  async load(config, ctx): Promise<SourceExamples> {
    const file = resolveDataPath(ctx.baseDir, config.path);
    const bytes = await readDataFile(file, 'JSONL file');
    let content = bytes.toString('utf8');
    if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
    const texts: string[] = [];
    const rawLabels: string[] = [];
    content.split(/\r?\n/).forEach((lineText, i) => {
      const line = i + 1;
      if (lineText.trim() === '') return;
      let obj: unknown;
      try {
        obj = JSON.parse(lineText);
      } catch (e) {
        throw new DataError(`not valid JSON: ${(e as Error).message}`, { file, line });
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new DataError(`expected a JSON object with "${config.text}" and "${config.label}", got ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`, { file, line });
      }
      const rec = obj as Record<string, unknown>;
      const keys = Object.keys(rec).map((k) => JSON.stringify(k)).join(', ') || 'none';
      const text = rec[config.text];
      if (text === undefined) throw new DataError(`missing text field "${config.text}" (fields: ${keys})`, { file, line, entry: config.text });
      if (typeof text !== 'string') throw new DataError(`text field "${config.text}" must be a string, got ${JSON.stringify(text)}`, { file, line, entry: config.text });
      const label = rec[config.label];
      if (label === undefined) throw new DataError(`missing label field "${config.label}" (fields: ${keys})`, { file, line, entry: config.label });
      if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean') {
        throw new DataError(`label field "${config.label}" must be a string, number or boolean, got ${JSON.stringify(label)}`, { file, line, entry: config.label });
      }
      if (String(label).trim() === '') throw new DataError(`label field "${config.label}" is empty`, { file, line, entry: config.label });
      texts.push(text);
      rawLabels.push(String(label));
    });
    if (texts.length === 0) throw new DataError('the JSONL file has no records', { file });
    const { classNames, labels } = indexLabels(rawLabels);
    return { name: config.path, kind: 'text', texts, labels, classNames, contentHash: sha256(bytes) };
  },
};
