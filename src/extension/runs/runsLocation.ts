// Where runs live: `distillery.runsFolder`, relative to each workspace folder (or absolute).
import * as vscode from 'vscode';
import { dirname, isAbsolute, join } from 'node:path';
import { DEFAULT_RUNS_DIR } from '../../core/runs/layout';

function setting(scope?: vscode.Uri): string {
  return vscode.workspace.getConfiguration('distillery', scope).get<string>('runsFolder') || DEFAULT_RUNS_DIR;
}

/** Every runs folder the views list, one per workspace folder unless the setting is absolute. */
export function runsFolders(): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const out = new Set<string>();
  for (const f of folders) {
    const s = setting(f.uri);
    out.add(isAbsolute(s) ? s : join(f.uri.fsPath, s));
  }
  return [...out];
}

/** The runs folder a config's runs go to: under its workspace folder, else next to it. */
export function runsFolderFor(config: vscode.Uri): string {
  const s = setting(config);
  if (isAbsolute(s)) return s;
  const folder = vscode.workspace.getWorkspaceFolder(config) ?? vscode.workspace.workspaceFolders?.[0];
  return join(folder ? folder.uri.fsPath : dirname(config.fsPath), s);
}

/** The folder a trainer runs in, so that relative paths in logs read naturally. */
export function workingFolderFor(config: vscode.Uri): string {
  return (vscode.workspace.getWorkspaceFolder(config) ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath ?? dirname(config.fsPath);
}
