// Starts, queues, follows and stops trainer processes. A trainer is forked detached with
// its output in a host-owned log file, so that it outlives a reload of the window; on the
// next activation any run whose process still lives is re-attached from events.jsonl.
import * as vscode from 'vscode';
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TrainerEvent, HostToTrainerMessage } from '../../core/protocol/events';
import { toEvent } from '../../core/protocol/eventsParse';
import { isProcessAlive } from '../../core/runs/processAlive';
import { formatHeadline } from '../../core/runView/headline';
import { failureMessage } from '../../core/runView/runProgress';
import type { RunCatalog } from './runCatalog';
import { runsFolderFor, workingFolderFor } from './runsLocation';
import { RunStatusBarEntry } from './runStatusBar';
import { TrainerLogTail } from './trainerLog';

export interface LaunchRequest {
  config: vscode.Uri;
  /** Continue this run directory instead of starting a new one. */
  resume?: string;
}

/** What the host needs from the panels to make a finished run's notification useful. */
export interface RunActions {
  openComparison(runDirs: string[]): void;
}

type Phase = 'queued' | 'running' | 'ended';

class ActiveRun implements vscode.Disposable {
  phase: Phase = 'queued';
  child?: ChildProcess;
  pid?: number;
  runDir?: string;
  /** File index of this process's `started` event; its IPC events count on from there. */
  ipcBase = 0;
  ipcCount = 0;
  stopRequests = 0;
  logFile?: string;
  logTail?: TrainerLogTail;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  readonly statusBar: RunStatusBarEntry;

  constructor(readonly key: string, readonly label: string, readonly output: vscode.OutputChannel, readonly request?: LaunchRequest) {
    this.statusBar = new RunStatusBarEntry(key, label);
  }

  dispose(): void {
    this.logTail?.dispose();
    this.statusBar.dispose();
  }
}

const LOG_FILES_KEY = 'distillery.runLogFiles';

export class RunManager implements vscode.Disposable {
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue: ActiveRun[] = [];
  private readonly outputs: vscode.OutputChannel[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly activeChanged = new vscode.EventEmitter<void>();
  private counter = 0;
  /** Fires when a run is queued, starts or ends. */
  readonly onDidChangeActive = this.activeChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly catalog: RunCatalog,
    private readonly actions: RunActions,
  ) {
    this.disposables.push(this.activeChanged, catalog.onDidChange(() => this.followCatalog()));
  }

  /** Queues a run; it starts when fewer than `distillery.maxConcurrentRuns` are training. */
  start(request: LaunchRequest): void {
    if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError();
    const key = String(++this.counter);
    const label = basename(request.config.fsPath).replace(/\.distill\.ya?ml$/, '');
    const output = this.outputChannel(`Distillery: ${label} #${key}`);
    const run = new ActiveRun(key, label, output, request);
    this.active.set(key, run);
    this.queue.push(run);
    this.pump();
    if (run.phase === 'queued') {
      vscode.window.setStatusBarMessage(`Distillery: ${label} queued (${this.queue.length} waiting)`, 4000);
    }
    this.activeChanged.fire();
  }

  /** Runs this window started or follows, for Stop and the CodeLens. */
  activeRuns(): { key: string; label: string; runDir?: string; config?: string; phase: Phase }[] {
    return [...this.active.values()].map((r) => ({ key: r.key, label: r.label, runDir: r.runDir, config: r.request?.config.fsPath, phase: r.phase }));
  }

  /** Stop: a queued run is dropped; a running one is asked to stop; asked again, it is killed. */
  stop(target: string): void {
    const run = this.active.get(target) ?? [...this.active.values()].find((r) => r.runDir === target);
    if (!run) return;
    if (run.phase === 'queued') {
      this.queue.splice(this.queue.indexOf(run), 1);
      this.finish(run);
      return;
    }
    run.stopRequests++;
    if (run.stopRequests === 1) {
      if (run.child?.connected) {
        const msg: HostToTrainerMessage = { type: 'stop' };
        run.child.send(msg);
      } else if (run.pid !== undefined) {
        signal(run.pid, 'SIGINT');
      }
      vscode.window.setStatusBarMessage(`Distillery: stopping ${run.label} after this step (Stop again to kill it)`, 5000);
    } else if (run.pid !== undefined) {
      signal(run.pid, 'SIGKILL');
    }
  }

  showLog(runDir: string): void {
    [...this.active.values()].find((r) => r.runDir === runDir)?.output.show(true);
  }

  dispose(): void {
    // Trainers keep running (they are detached); the next activation re-attaches them.
    for (const run of this.active.values()) {
      run.child?.removeAllListeners();
      if (run.child?.connected) run.child.disconnect();
      run.child?.unref();
      run.dispose();
    }
    this.active.clear();
    for (const o of this.outputs) o.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ---- launching ----

  private maxConcurrent(): number {
    return Math.max(1, Math.floor(vscode.workspace.getConfiguration('distillery').get<number>('maxConcurrentRuns') ?? 2));
  }

  private pump(): void {
    const running = () => [...this.active.values()].filter((r) => r.phase === 'running').length;
    while (this.queue.length > 0 && running() < this.maxConcurrent()) this.launch(this.queue.shift()!);
  }

  private launch(run: ActiveRun): void {
    const request = run.request!;
    run.phase = 'running';
    const settings = vscode.workspace.getConfiguration('distillery', request.config);
    const trainer = join(this.context.extensionPath, 'dist', 'trainer.js');
    const args = ['--config', request.config.fsPath, '--out', runsFolderFor(request.config)];
    const backend = settings.get<string>('backend') ?? 'auto';
    if (backend !== 'auto') args.push('--backend', backend);
    if (request.resume) args.push('--resume', request.resume);
    const nodePath = settings.get<string>('nodePath')?.trim();

    const logDir = join((this.context.storageUri ?? this.context.globalStorageUri).fsPath, 'logs');
    run.logFile = join(logDir, `${Date.now()}-${run.key}.log`);
    run.output.appendLine(`$ ${nodePath || 'node'} ${trainer} ${args.join(' ')}`);
    let fd: number | undefined;
    try {
      if (!existsSync(trainer)) throw new Error(`The trainer bundle is missing: ${trainer}. Run \`npm run build\`.`);
      mkdirSync(logDir, { recursive: true });
      fd = openSync(run.logFile, 'a');
      run.child = fork(trainer, args, {
        cwd: workingFolderFor(request.config),
        detached: true,
        execPath: nodePath || process.execPath,
        // The extension host's executable is Electron in desktop VS Code: make it act as Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', fd, fd, 'ipc'],
      });
    } catch (e) {
      run.output.appendLine(String((e as Error).message));
      this.reportLaunchFailure(run, (e as Error).message);
      this.finish(run);
      return;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    run.pid = run.child.pid;
    run.logTail = new TrainerLogTail(run.logFile, run.output);
    run.child.on('message', (m) => this.onMessage(run, m));
    run.child.on('error', (err) => {
      run.output.appendLine(`Could not start the trainer: ${err.message}`);
      if (run.phase !== 'ended') {
        this.reportLaunchFailure(run, err.message);
        this.finish(run);
      }
    });
    run.child.on('exit', (code, sig) => {
      run.exit = { code, signal: sig };
      this.onExit(run);
    });
  }

  private onMessage(run: ActiveRun, message: unknown): void {
    const parsed = toEvent(message);
    if (parsed.kind !== 'event') {
      if (parsed.kind === 'error') run.output.appendLine(`[host] ignored a trainer message: ${parsed.message}`);
      return;
    }
    const e = parsed.event;
    if (e.type === 'log') run.output.appendLine(`[${e.level}] ${e.message}`);
    if (e.type === 'started' && (!run.runDir || e.resumed)) {
      run.runDir = e.run_dir;
      run.pid = e.pid;
      run.ipcBase = this.catalog.beginLive(e.run_dir, e);
      run.ipcCount = 1;
      this.rememberLogFile(e.run_dir, run.logFile);
      run.output.appendLine(`[host] run folder: ${e.run_dir}`);
      this.activeChanged.fire();
      this.updateStatusBar(run);
      return;
    }
    // Events before `started` (a config that fails to load) belong to no run folder.
    if (!run.runDir) return;
    this.catalog.ingest(run.runDir, run.ipcBase + run.ipcCount++, e as TrainerEvent);
  }

  private onExit(run: ActiveRun): void {
    if (run.phase === 'ended') return;
    run.logTail?.poll();
    const { code, signal: sig } = run.exit ?? { code: null, signal: null };
    run.output.appendLine(`[host] trainer exited (${sig ? `signal ${sig}` : `code ${code}`})`);
    if (!run.runDir) {
      this.reportLaunchFailure(run, `the trainer exited (${sig ? `signal ${sig}` : `code ${code}`}) before the run started`);
    } else {
      this.catalog.endLive(run.runDir);
      this.reportEnd(run);
    }
    this.finish(run);
  }

  /** Runs this window did not fork (a terminal, or a window before a reload) get followed too. */
  private followCatalog(): void {
    const followed = new Set([...this.active.values()].map((r) => r.runDir).filter(Boolean));
    // A run this window forked may show up in the folder before its `started` reaches us.
    const ownPids = new Set([...this.active.values()].filter((r) => r.child).map((r) => r.pid));
    for (const r of this.catalog.runs()) {
      if (r.status !== 'running' || followed.has(r.dir)) continue;
      if (ownPids.has(r.progress.pid ?? r.info?.pid)) continue;
      const label = r.experiment;
      const run = new ActiveRun(`attached-${++this.counter}`, label, this.outputChannel(`Distillery: ${r.id}`));
      run.phase = 'running';
      run.runDir = r.dir;
      run.pid = r.progress.pid ?? r.info?.pid;
      const logFile = this.context.workspaceState.get<Record<string, string>>(LOG_FILES_KEY, {})[r.dir];
      if (logFile && existsSync(logFile)) {
        run.logFile = logFile;
        run.logTail = new TrainerLogTail(logFile, run.output);
      }
      run.output.appendLine(`[host] following ${r.dir} (pid ${run.pid ?? '?'}), started outside this window`);
      this.active.set(run.key, run);
      this.activeChanged.fire();
    }
    for (const run of [...this.active.values()]) {
      if (run.phase !== 'running' || !run.runDir) continue;
      const r = this.catalog.get(run.runDir);
      if (!run.child && (!r || r.status !== 'running')) {
        // A followed run ended: its process is not ours, so the catalog saw the ending.
        if (r) this.reportEnd(run);
        this.finish(run);
        continue;
      }
      this.updateStatusBar(run);
    }
  }

  private updateStatusBar(run: ActiveRun): void {
    const r = run.runDir ? this.catalog.get(run.runDir) : undefined;
    if (r) run.statusBar.update(r.dir, r.progress);
  }

  private finish(run: ActiveRun): void {
    run.phase = 'ended';
    run.dispose();
    this.active.delete(run.key);
    this.activeChanged.fire();
    this.pump();
  }

  // ---- telling the user ----

  private reportLaunchFailure(run: ActiveRun, why: string): void {
    void vscode.window.showErrorMessage(`Distillery: ${run.label} could not run: ${why}`, 'Show Log').then((a) => {
      if (a) run.output.show(true);
    });
  }

  private reportEnd(run: ActiveRun): void {
    const r = this.catalog.get(run.runDir!);
    if (!r) return;
    const name = r.experiment;
    switch (r.status) {
      case 'completed': {
        const headline = r.progress.summary ? `: ${formatHeadline(r.progress.summary)}` : '';
        void vscode.window.showInformationMessage(`Distillery: ${name} completed${headline}`, 'Open Comparison').then((a) => {
          if (a) this.actions.openComparison([r.dir]);
        });
        break;
      }
      case 'stopped':
        vscode.window.setStatusBarMessage(`Distillery: ${name} stopped`, 5000);
        break;
      case 'failed':
      case 'interrupted': {
        if (r.status === 'interrupted' && run.stopRequests >= 2) {
          vscode.window.setStatusBarMessage(`Distillery: ${name} killed`, 5000);
          break;
        }
        const why = r.status === 'failed'
          ? failureMessage(r.progress) ?? 'unknown error'
          : `the trainer ended without finishing${run.exit ? ` (${run.exit.signal ? `signal ${run.exit.signal}` : `code ${run.exit.code}`})` : ''}; the run is marked interrupted`;
        void vscode.window.showErrorMessage(`Distillery: ${name} ${r.status === 'failed' ? 'failed' : 'was interrupted'}: ${why}`, 'Show Log').then((a) => {
          if (a) run.output.show(true);
        });
        break;
      }
      case 'running':
        break;
    }
  }

  private outputChannel(name: string): vscode.OutputChannel {
    const o = vscode.window.createOutputChannel(name);
    this.outputs.push(o);
    return o;
  }

  private rememberLogFile(runDir: string, logFile: string | undefined): void {
    if (!logFile) return;
    const map = { ...this.context.workspaceState.get<Record<string, string>>(LOG_FILES_KEY, {}), [runDir]: logFile };
    // Keep the newest 50: the map only serves re-attaching runs that are still going.
    const entries = Object.entries(map).slice(-50);
    void this.context.workspaceState.update(LOG_FILES_KEY, Object.fromEntries(entries));
  }
}

export class UntrustedWorkspaceError extends Error {
  constructor() {
    super('Distillery does not train in an untrusted workspace: a run executes model and data code on workspace files. Trust the workspace to run experiments (validation works either way).');
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  if (!isProcessAlive(pid)) return;
  try {
    process.kill(pid, sig);
  } catch {
    // It ended between the check and the signal.
  }
}
