// New Experiment: pick one of the example configs shipped with the extension, name it,
// and get a new `*.distill.yaml` in the workspace, opened.
import * as vscode from 'vscode';
import { slugName } from '../../core/runs/layout';

/** The examples point yaml-language-server at the schema by a path relative to the repo; a copy elsewhere does not need it (Distillery validates). */
const MODELINE = 'yaml-language-server:';

interface Template { label: string; description: string; detail?: string; uri: vscode.Uri; text: string }

/** The `name:` value and the first comment line of a config, read without parsing YAML. */
function describe(text: string): { name?: string; summary?: string } {
  const name = /^name:\s*['"]?([^'"#\n]+?)['"]?\s*(#.*)?$/m.exec(text)?.[1];
  const summary = [...text.matchAll(/^#\s*(.+)$/gm)].map((m) => m[1]).find((c) => !c.startsWith(MODELINE));
  return { name, summary };
}

async function templates(extensionUri: vscode.Uri): Promise<Template[]> {
  const dir = vscode.Uri.joinPath(extensionUri, 'examples');
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return [];
  }
  const out: Template[] = [];
  for (const [file, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    if (type !== vscode.FileType.File || !/\.distill\.ya?ml$/.test(file)) continue;
    const uri = vscode.Uri.joinPath(dir, file);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const { name, summary } = describe(text);
    out.push({ label: name ?? file, description: file, detail: summary, uri, text });
  }
  return out;
}

export function registerNewExperiment(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('distillery.newExperiment', async (arg?: unknown) => {
    const list = await templates(context.extensionUri);
    if (list.length === 0) return void vscode.window.showErrorMessage('Distillery: this installation ships no example configs (examples/ is empty).');
    const template = await vscode.window.showQuickPick(list, { placeHolder: 'Start from which example?', matchOnDetail: true });
    if (!template) return;
    const folder = arg instanceof vscode.Uri ? await folderOf(arg) : vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) return void vscode.window.showErrorMessage('Distillery: open a folder first; the new experiment is written into it.');
    const name = await vscode.window.showInputBox({
      prompt: 'Experiment name (also the file name)',
      value: `my-${template.label}`,
      validateInput: (v) => (slugName(v) === 'experiment' && !/experiment/i.test(v) ? 'Use letters, digits, dots, dashes or underscores.' : undefined),
    });
    if (!name) return;
    const target = vscode.Uri.joinPath(folder, `${slugName(name)}.distill.yaml`);
    try {
      await vscode.workspace.fs.stat(target);
      return void vscode.window.showErrorMessage(`Distillery: ${vscode.workspace.asRelativePath(target)} already exists.`);
    } catch {
      // Not there: good.
    }
    const body = template.text.replace(/^#\s*yaml-language-server:.*\n/m, '');
    const text = /^name:.*$/m.test(body) ? body.replace(/^name:.*$/m, `name: ${slugName(name)}`) : `name: ${slugName(name)}\n${body}`;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    await vscode.window.showTextDocument(target);
  }));
}

/** The Explorer passes the item right-clicked: a folder, or a file whose folder is meant. */
async function folderOf(uri: vscode.Uri): Promise<vscode.Uri> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory ? uri : vscode.Uri.joinPath(uri, '..');
  } catch {
    return vscode.Uri.joinPath(uri, '..');
  }
}
