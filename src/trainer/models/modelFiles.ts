// Saving and loading tfjs LayersModels on disk (`model.json` + weight shards) through plain
// `fs`: tfjs' own `file://` handler needs tfjs-node, which is optional here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** `dir/model.json` for a folder, the path itself for a `.json` file. */
function modelJsonPath(dirOrFile: string): string {
  return dirOrFile.endsWith('.json') ? dirOrFile : path.join(dirOrFile, MODEL_JSON);
}

function readModelJson(file: string): tf.io.ModelJSON {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read model file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) {
    throw new Error(`${file} is not a TensorFlow.js model: it has no 'modelTopology' key.`);
  }
  return json;
}

/** Reads `model.json` and every weight shard it lists (paths relative to it). */
export function fileLoadHandler(dirOrFile: string): tf.io.IOHandler {
  const file = modelJsonPath(dirOrFile);
  return {
    load: async () => {
      const json = readModelJson(file);
      const dir = path.dirname(file);
      const shards: Buffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        for (const p of group.paths) {
          const shardPath = path.resolve(dir, p);
          try {
            shards.push(fs.readFileSync(shardPath));
          } catch (e) {
            throw new Error(`${file}: weight file '${p}' listed in weightsManifest cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
          }
        }
      }
      const all = Buffer.concat(shards);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return tf.io.getModelArtifactsForJSONSync(json, (json.weightsManifest ?? []).flatMap((g) => g.weights), weightData);
    },
  };
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Writes `model.json` and `weights.bin` into `dir`, each through a temporary file and a
 * rename, weights first: a reader never sees a half-written file, and a `model.json` is
 * never newer than the weights it describes.
 */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      fs.mkdirSync(dir, { recursive: true });
      const weights = artifacts.weightData
        ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData))
        : new Uint8Array(0);
      writeAtomically(path.join(dir, WEIGHTS_BIN), weights);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeAtomically(path.join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** Loads a LayersModel from a folder holding `model.json`, or from the `.json` path itself. */
export async function loadModel(dirOrFile: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(fileLoadHandler(dirOrFile));
  } catch (e) {
    const msg = (e as Error).message;
    const file = modelJsonPath(dirOrFile);
    throw new Error(msg.includes(file) ? msg : `Cannot load the model in ${file}: ${msg}`);
  }
}

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileSaveHandler(dir));
}

/** Bytes of the weight files that a saved model's `model.json` lists. */
export function weightBytes(dirOrFile: string): number {
  const file = modelJsonPath(dirOrFile);
  const json = readModelJson(file);
  let total = 0;
  for (const group of json.weightsManifest ?? []) {
    for (const p of group.paths) total += fs.statSync(path.resolve(path.dirname(file), p)).size;
  }
  return total;
}
