// What a config file's inline results are made of: where its `name` and loss terms sit
// (parsed lazily: the YAML parser is not needed to activate), and which runs are its own.
import type * as vscode from 'vscode';
import type { ConfigOutline } from '../../core/runView/configOutline';
import type { CatalogRun, RunCatalog } from '../runs/runCatalog';

const cache = new WeakMap<vscode.TextDocument, { version: number; outline: ConfigOutline }>();

export async function outlineOf(doc: vscode.TextDocument): Promise<ConfigOutline> {
  const hit = cache.get(doc);
  if (hit && hit.version === doc.version) return hit.outline;
  const { outlineConfig } = await import('../../core/runView/configOutline');
  const outline = outlineConfig(doc.getText());
  cache.set(doc, { version: doc.version, outline });
  return outline;
}

/** The config's runs, newest first: by source path, else by the experiment name it declares. */
export function runsOfConfig(catalog: RunCatalog, doc: vscode.TextDocument, outline: ConfigOutline): CatalogRun[] {
  return catalog.runsOf(doc.uri.fsPath, outline.name?.value);
}
