// Hover: the schema's description of the key or value under the cursor, its default, and
// for a loss kind its formula and paper; for a layer name, which layer it is.
import type { Range } from '../config/diagnostics';
import { cursorContext, documentData } from './cursorContext';
import type { LanguageContext } from './languageContext';
import { navigatorFor } from './languageContext';
import { namedLayers, sideOfKey } from './layerNames';
import { lossDoc } from './lossDocs';
import { describeProperty, formatValue } from './schemaDocs';
import type { PathSegment } from './schemaNavigator';

export interface HoverResult {
  /** Markdown. */
  contents: string;
  range: Range;
}

const WORD = /[A-Za-z0-9_.\-/]/;

export async function hover(text: string, position: { line: number; character: number }, ctx: LanguageContext = {}): Promise<HoverResult | undefined> {
  const lineText = text.split(/\r?\n/)[position.line] ?? '';
  let start = Math.min(position.character, lineText.length);
  let end = start;
  while (start > 0 && WORD.test(lineText[start - 1])) start--;
  while (end < lineText.length && WORD.test(lineText[end])) end++;
  if (start === end) return undefined;
  const word = lineText.slice(start, end);
  const cursor = cursorContext(text, { line: position.line, character: end }, { tabSize: ctx.tabSize });
  const nav = navigatorFor(ctx);
  const range: Range = { start: { line: position.line, character: start }, end: { line: position.line, character: end } };

  if (cursor.mode === 'key' || cursor.mode === 'item') {
    // A key (or a layer type written after `- `): the cursor context's prefix is the key itself.
    if (cursor.prefix !== word) return undefined;
    const path: PathSegment[] = [...cursor.path, word];
    const schemas = nav.at(path, cursor.valueAt);
    if (schemas.length === 0) return undefined;
    const parts = [`**${word}**`, describeProperty(word, schemas)];
    if (word === 'kind') {
      const kindValue = (cursor.valueAt(cursor.path) as Record<string, unknown> | undefined)?.kind;
      const doc = typeof kindValue === 'string' ? lossDoc(kindValue) : undefined;
      if (doc) parts.push(lossKindMarkdown(kindValue as string));
    }
    return { contents: parts.join('\n\n'), range };
  }
  if (cursor.mode !== 'value') return undefined;
  const key = cursor.path[cursor.path.length - 1];
  const schemas = nav.at(cursor.path, cursor.valueAt);
  const parts: string[] = [];
  if (key === 'kind' && lossDoc(word)) parts.push(lossKindMarkdown(word));
  const enumValue = nav.enumValues(schemas).find((v) => formatValue(v.value) === word || v.value === word);
  if (enumValue) {
    if (parts.length === 0) parts.push(`**${word}**${enumValue.description ? `: ${enumValue.description}` : ''}`);
    const options = nav.properties(nav.at(cursor.path.slice(0, -1), cursor.valueAt)).filter((p) => !['kind', 'id', 'weight'].includes(p.name));
    if (key === 'kind' && options.length > 0) {
      parts.push('Options: ' + options.map((o) => {
        const d = o.schemas.find((s) => s.default !== undefined)?.default;
        return `\`${o.name}\`${d !== undefined ? ` (default \`${formatValue(d)}\`)` : ''}`;
      }).join(', '));
    }
  }
  const side = sideOfKey(key);
  if (side) {
    const layers = await namedLayers(text, side, ctx, documentData(text));
    const layer = layers.find((l) => l.name === word);
    parts.push(layer
      ? `**${word}**: ${side} layer ${layer.index} (\`${layer.type}\`${layer.source === 'model.json' ? `, from the teacher's model.json` : ''})`
      : `**${word}**: no ${side} layer has this name${layers.length ? ` (named layers: ${layers.map((l) => `\`${l.name}\``).join(', ')})` : ''}`);
  }
  if (schemas.length > 0 && typeof key === 'string') parts.push(`\`${key}\`: ${describeProperty(key, schemas)}`);
  return parts.length > 0 ? { contents: parts.join('\n\n'), range } : undefined;
}

export function lossKindMarkdown(kind: string): string {
  const doc = lossDoc(kind);
  if (!doc) return `\`${kind}\``;
  return [`**${kind}**: ${doc.title}`, `Formula: \`${doc.formula}\``, doc.paper ? `Paper: ${doc.paper}` : ''].filter(Boolean).join('\n\n');
}
