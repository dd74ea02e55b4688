// The named layers a feature loss may refer to: the teacher's and the student's, each from
// its own `layers` in the config, or (teacher only) from the saved model's `model.json`
// topology. Only the topology is read, never the weights.
import * as nodePath from 'node:path';
import { ancestors, itemIndex, parseLine, scanFlow, scanLines, scalarValue } from './documentLines';
import { documentData } from './cursorContext';
import type { LanguageContext } from './languageContext';

export type ModelSide = 'teacher' | 'student';

export interface NamedLayer {
  name: string;
  /** Layer type (`conv2d`) in the config, or the Keras class name (`Conv2D`) in a model.json. */
  type: string;
  index: number;
  source: 'config' | 'model.json';
}

/** Which side's layers a key refers to (`teacher_layer`, `student_layer`), if any. */
export function sideOfKey(key: string | number | undefined): ModelSide | undefined {
  if (key === 'teacher_layer') return 'teacher';
  if (key === 'student_layer') return 'student';
  return undefined;
}

export async function namedLayers(text: string, side: ModelSide, ctx: LanguageContext, data: unknown = documentData(text)): Promise<NamedLayer[]> {
  const model = data && typeof data === 'object' ? (data as Record<string, unknown>)[side] : undefined;
  const fromConfig = layersFromData(model);
  if (fromConfig.length > 0) return fromConfig;
  const scanned = layersFromLines(text, side, ctx.tabSize);
  if (scanned.length > 0) return scanned;
  const path = model && typeof model === 'object' ? (model as Record<string, unknown>).path : undefined;
  if (side === 'teacher' && typeof path === 'string' && ctx.host) {
    const abs = ctx.configPath ? nodePath.resolve(nodePath.dirname(ctx.configPath), path) : path;
    const json = await ctx.host.readFile(abs);
    if (json !== undefined) return layersFromModelJson(json);
  }
  return [];
}

function layersFromData(model: unknown): NamedLayer[] {
  const layers = model && typeof model === 'object' ? (model as Record<string, unknown>).layers : undefined;
  if (!Array.isArray(layers)) return [];
  const out: NamedLayer[] = [];
  layers.forEach((item, index) => {
    if (!item || typeof item !== 'object') return;
    const [type, options] = Object.entries(item as Record<string, unknown>)[0] ?? [];
    const name = options && typeof options === 'object' ? (options as Record<string, unknown>).name : undefined;
    if (type && typeof name === 'string' && name !== '') out.push({ name, type, index, source: 'config' });
  });
  return out;
}

/** When the document does not parse into data: `name:` keys found by indentation under `<side>.layers`. */
function layersFromLines(text: string, side: ModelSide, tabSize?: number): NamedLayer[] {
  const lines = scanLines(text, tabSize);
  const out: NamedLayer[] = [];
  lines.forEach((l, i) => {
    if (!l.structural || !l.text.includes('name')) return;
    const entries = parseLine(l.text, tabSize ?? 2);
    const first = entries[0];
    const base = ancestors(lines, i, first.col, first.kind === 'dash').path;
    let dashSeen = 0;
    for (const e of entries) {
      if (e.kind === 'dash') { base.push(dashSeen++ === 0 ? itemIndex(lines, i, e.col) : 0); continue; }
      if (e.kind !== 'key') continue;
      const valuePath = [...base, e.key ?? ''];
      if (e.key === 'name') add(valuePath, String(scalarValue(e.value ?? '') ?? ''));
      const v = e.value ?? '';
      if (v.startsWith('{') && e.valueCh !== undefined) {
        const scan = scanFlow(l.text, e.valueCh);
        for (const frame of scan.entriesByFrame.values()) {
          for (const fe of frame.entries) if (fe.key === 'name') add([...valuePath, ...frame.path, 'name'], String(scalarValue(fe.value) ?? ''));
        }
      }
    }
  });
  function add(path: (string | number)[], name: string): void {
    // [side, 'layers', index, type, 'name']
    if (path.length === 5 && path[0] === side && path[1] === 'layers' && typeof path[2] === 'number' && name) {
      out.push({ name, type: String(path[3]), index: path[2], source: 'config' });
    }
  }
  return out;
}

/** Layer names of a tfjs LayersModel `model.json` (Sequential or functional topology). */
export function layersFromModelJson(json: string): NamedLayer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  const topology = (parsed as { modelTopology?: Record<string, unknown> } | null)?.modelTopology;
  if (!topology || typeof topology !== 'object') return [];
  // Keras writes `{model_config: {class_name, config}}`; tfjs' own save writes `{class_name, config}`.
  const model = (topology.model_config ?? topology) as { config?: unknown };
  const config = model.config as { layers?: unknown } | unknown[] | undefined;
  const layers = Array.isArray(config) ? config : Array.isArray((config as { layers?: unknown })?.layers) ? (config as { layers: unknown[] }).layers : [];
  const out: NamedLayer[] = [];
  layers.forEach((l, index) => {
    const layer = l as { class_name?: string; name?: string; config?: { name?: string } };
    const name = layer.config?.name ?? layer.name;
    if (typeof name === 'string' && name !== '') out.push({ name, type: layer.class_name ?? 'layer', index, source: 'model.json' });
  });
  return out;
}
