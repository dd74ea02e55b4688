// Hover on a config's `name:` key: the results of its latest runs.
import * as vscode from 'vscode';
import { formatLoss, percent, points } from '../../core/runView/headline';
import { failureMessage } from '../../core/runView/runProgress';
import type { RunCatalog } from '../runs/runCatalog';
import { outlineOf, runsOfConfig } from './configResults';

const SHOWN = 5;

export class NameHoverProvider implements vscode.HoverProvider {
  constructor(private readonly catalog: RunCatalog) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const outline = await outlineOf(doc);
    const key = outline.name?.keyRange;
    if (!key || pos.line !== key.start.line || pos.character > key.end.character) return undefined;
    const runs = runsOfConfig(this.catalog, doc, outline).slice(0, SHOWN);
    const md = new vscode.MarkdownString();
    md.isTrusted = { enabledCommands: ['distillery.openComparison', 'distillery.openLossPanel'] };
    if (runs.length === 0) {
      md.appendMarkdown('**Distillery:** no runs of this experiment yet.');
    } else {
      md.appendMarkdown(`**Latest runs of ${outline.name!.value}**\n\n| run | status | student | teacher | vs scratch | |\n|---|---|---|---|---|---|\n`);
      for (const r of runs) {
        const s = r.progress.summary;
        const link = (title: string, cmd: string) => `[${title}](command:${cmd}?${encodeURIComponent(JSON.stringify([r.dir]))})`;
        const status = r.status === 'failed' ? `failed: ${escape(failureMessage(r.progress) ?? '')}` : r.status === 'running' && r.progress.stage?.lastStep ? `running (${r.progress.stage.stage}, loss ${formatLoss(r.progress.stage.lastStep.total)})` : r.status;
        md.appendMarkdown(`| ${r.id} | ${status} | ${s ? percent(s.student_accuracy) : ''} | ${s ? percent(s.teacher_accuracy) : ''} | ${s?.kd_gain !== undefined ? points(s.kd_gain) : ''} | ${s ? link('compare', 'distillery.openComparison') : link('losses', 'distillery.openLossPanel')} |\n`);
      }
    }
    return new vscode.Hover(md, new vscode.Range(key.start.line, key.start.character, key.end.line, key.end.character));
  }
}

function escape(s: string): string {
  return s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).split('\n')[0];
}
