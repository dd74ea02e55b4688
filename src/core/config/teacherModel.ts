// Reads what the validator needs from a saved tfjs LayersModel (`model.json`) without
// loading weights: the layer names (for feature losses) and the last layer's units.

export interface TeacherTopology { layerNames: string[]; outputUnits?: number }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Returns the topology, or an error message saying why the text is not a LayersModel. */
export function readTeacherTopology(text: string): TeacherTopology | { error: string } {
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { return { error: `not JSON (${(e as Error).message})` }; }
  if (!isObj(json)) return { error: 'not a JSON object' };
  // tfjs writes `modelTopology`; a Keras export nests it in `model_config`.
  let topo: unknown = json.modelTopology ?? json;
  if (isObj(topo) && isObj(topo.model_config)) topo = topo.model_config;
  const config = isObj(topo) ? topo.config : undefined;
  const layers = isObj(config) ? config.layers : Array.isArray(config) ? config : undefined;
  if (!Array.isArray(layers)) return { error: 'no `modelTopology.config.layers` list' };
  const layerNames: string[] = [];
  let outputUnits: number | undefined;
  for (const layer of layers) {
    if (!isObj(layer)) continue;
    const cfg = isObj(layer.config) ? layer.config : {};
    const name = typeof cfg.name === 'string' ? cfg.name : typeof layer.name === 'string' ? layer.name : undefined;
    if (name) layerNames.push(name);
    outputUnits = typeof cfg.units === 'number' ? cfg.units : undefined;
  }
  return { layerNames, outputUnits };
}
