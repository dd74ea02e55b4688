// Every run the editor knows about, kept current from two sources of the same events: the
// IPC channel of a trainer this window forked, and events.jsonl (runs from a terminal,
// runs re-attached after a window reload, and whatever IPC missed). Events carry no ids,
// so both sources count them in file order and an event is applied once, by whichever
// source delivers its index first. The catalog is also the panels' RunEventFeed.
import * as vscode from 'vscode';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Comparison, RunStatus, TrainerEvent } from '../../core/protocol/events';
import { EVENTS_VERSION } from '../../core/protocol/events';
import { EventsTail, readEventsFile } from '../../core/runs/eventsReader';
import { RUN_FILES, runPaths, timeFromRunId } from '../../core/runs/layout';
import { isProcessAlive } from '../../core/runs/processAlive';
import { readRunInfo, type RunInfo } from '../../core/runs/runInfo';
import { EventSequence } from '../../core/runView/eventSequence';
import { statusOf, type RunProgress } from '../../core/runView/runProgress';
import type { RunRow } from '../../core/runView/runGroups';

export interface CatalogRun extends RunRow {
  info?: RunInfo;
  progress: RunProgress;
  /** The config file the run came from (run.json `source`), when known. */
  source?: string;
}

interface Entry {
  run: CatalogRun;
  tail: EventsTail;
  /** The events applied so far, in file order, and the progress folded from them. */
  sequence: EventSequence;
  /** A process of this window owns the run: alive until its exit is reported. */
  live: boolean;
  /** Events the file tail has delivered (applied or skipped as already seen). */
  tailCount: number;
  /** Seen running in this window: only such a run, dying, gets a synthetic ending. */
  sawRunning: boolean;
  /** A synthetic ending was sent to the feed for a run that died without one. */
  endingSent: boolean;
}

const POLL_MS = 1000;
const RESCAN_DEBOUNCE_MS = 200;
const CHANGE_THROTTLE_MS = 300;

export class RunCatalog implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly eventEmitter = new vscode.EventEmitter<{ runDir: string; event: TrainerEvent }>();
  private pollTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private scanned = false;

  /** Fires (throttled) whenever a run appears, disappears or moves on. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly folders: () => string[]) {
    this.disposables.push(this.changed, this.eventEmitter);
    this.watch();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('distillery.runsFolder')) {
          this.watch();
          this.rescan();
        }
      }),
    );
  }

  // ---- RunEventFeed (src/extension/panels/feed.ts) ----

  async readEvents(runDir: string): Promise<TrainerEvent[]> {
    const { events } = readEventsFile(runPaths(runDir).events);
    const ending = this.syntheticEnding(runDir, events);
    return ending ? [...events, ending] : events;
  }

  onEvent(listener: (runDir: string, e: TrainerEvent) => void): vscode.Disposable {
    return this.eventEmitter.event(({ runDir, event }) => listener(runDir, event));
  }

  async readComparison(runDir: string): Promise<Comparison | undefined> {
    try {
      return JSON.parse(readFileSync(runPaths(runDir).comparison, 'utf8')) as Comparison;
    } catch {
      return undefined;
    }
  }

  // ---- listing ----

  /** Every run, scanning the runs folders the first time. */
  runs(): CatalogRun[] {
    if (!this.scanned) this.rescan();
    return [...this.entries.values()].map((e) => e.run);
  }

  get(runDir: string): CatalogRun | undefined {
    if (!this.scanned) this.rescan();
    return this.entries.get(runDir)?.run;
  }

  /** The runs of a config file: by its path (run.json `source`), else by experiment name. */
  runsOf(configPath: string, experiment?: string): CatalogRun[] {
    return this.runs()
      .filter((r) => (r.source ? r.source === configPath : experiment !== undefined && r.experiment === experiment))
      .sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Reads the runs folders again; runs that vanished are dropped, new ones read. */
  rescan(): void {
    this.scanned = true;
    const seen = new Set<string>();
    for (const folder of this.folders()) {
      let names: string[];
      try {
        names = readdirSync(folder);
      } catch {
        continue;
      }
      for (const name of names) {
        const dir = join(folder, name);
        if (!isRunFolder(dir)) continue;
        seen.add(dir);
        if (!this.entries.has(dir)) this.entries.set(dir, this.newEntry(dir));
        this.pollEntry(dir);
      }
    }
    for (const [dir, e] of this.entries) if (!seen.has(dir) && !e.live) this.entries.delete(dir);
    this.fireChanged();
    this.schedulePoll();
  }

  // ---- live runs (IPC) ----

  /**
   * A forked trainer reported `started`: returns the file index of that event, to which its
   * later IPC events count on (a resumed run appends to an existing events.jsonl).
   */
  beginLive(runDir: string, started: TrainerEvent): number {
    let entry = this.entries.get(runDir);
    if (!entry) {
      entry = this.newEntry(runDir);
      this.entries.set(runDir, entry);
    }
    entry.live = true;
    entry.sawRunning = true;
    entry.endingSent = false;
    this.pollEntry(runDir);
    // If the file already held this start, IPC counts from it; else it is the next event.
    let base = entry.sequence.count;
    const { events } = readEventsFile(runPaths(runDir).events);
    for (let i = Math.min(events.length, entry.sequence.count) - 1; i >= 0; i--) {
      const e = events[i];
      if (e.type === 'started') {
        if (e.t === started.t && e.pid === (started as { pid: number }).pid) base = i;
        break;
      }
    }
    this.ingest(runDir, base, started);
    this.schedulePoll();
    return base;
  }

  /** An IPC event with its index in the run's events file. */
  ingest(runDir: string, index: number, event: TrainerEvent): void {
    const entry = this.entries.get(runDir);
    if (!entry) return;
    // IPC ahead of what the file showed: catch up from the file first, in order.
    if (index > entry.sequence.count) this.pollEntry(runDir);
    this.apply(entry, index, event);
  }

  /** The forked process exited: read what the file holds beyond what IPC delivered. */
  endLive(runDir: string): void {
    const entry = this.entries.get(runDir);
    if (!entry) return;
    entry.live = false;
    this.pollEntry(runDir);
    this.refreshStatus(entry);
    this.fireChanged();
  }

  dispose(): void {
    clearInterval(this.pollTimer);
    clearTimeout(this.rescanTimer);
    clearTimeout(this.changeTimer);
    this.watchers?.forEach((w) => w.dispose());
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ---- internals ----

  private newEntry(dir: string): Entry {
    const id = basename(dir);
    const info = readRunInfo(runPaths(dir).info);
    const sequence = new EventSequence();
    const run: CatalogRun = {
      dir, id, info, source: info?.source, progress: sequence.progress,
      experiment: info?.experiment ?? id.replace(/^\d{8}-\d{6}-/, ''),
      status: info?.status ?? 'running',
      startedAt: (info?.start ? Date.parse(info.start) : undefined) ?? timeFromRunId(id)?.getTime() ?? statMtime(dir),
    };
    return { run, tail: new EventsTail(runPaths(dir).events), sequence, tailCount: 0, live: false, sawRunning: false, endingSent: false };
  }

  /** Applies one event; a batch from the file refreshes the status once, after its last event. */
  private apply(entry: Entry, index: number, event: TrainerEvent, refresh = true): void {
    if (!entry.sequence.offer(index, event)) return;
    if (event.type === 'started') {
      entry.run.experiment = event.experiment;
      entry.run.startedAt = entry.run.progress.startedAt ?? entry.run.startedAt;
      if (!entry.run.info) {
        entry.run.info = readRunInfo(runPaths(entry.run.dir).info);
        entry.run.source = entry.run.info?.source;
      }
    }
    if (refresh) this.refreshStatus(entry);
    this.eventEmitter.fire({ runDir: entry.run.dir, event });
    this.fireChanged();
  }

  private pollEntry(dir: string): void {
    const entry = this.entries.get(dir);
    if (!entry) return;
    let events: TrainerEvent[];
    try {
      events = entry.tail.poll();
    } catch {
      return; // unreadable for now (permissions, a folder being deleted): try again later
    }
    // The tail counts from 0 too; the sequence skips what IPC already applied.
    const tailStart = entry.tailCount;
    entry.tailCount += events.length;
    for (let i = 0; i < events.length; i++) this.apply(entry, tailStart + i, events[i], false);
    this.refreshStatus(entry);
  }

  private refreshStatus(entry: Entry): void {
    const p = entry.run.progress;
    const pid = p.pid ?? entry.run.info?.pid;
    let status: RunStatus;
    if (p.eventCount === 0) {
      // run.json written, no event yet: trust it while its process lives.
      const s = entry.run.info?.status ?? 'running';
      status = s === 'running' && !entry.live && !(pid !== undefined && isProcessAlive(pid)) ? 'interrupted' : s;
    } else {
      status = statusOf(p, entry.live || (pid !== undefined && isProcessAlive(pid)));
    }
    const before = entry.run.status;
    entry.run.status = status;
    if (before !== status) this.fireChanged();
    if (status === 'running') entry.sawRunning = true;
    if (status === 'interrupted' && entry.sawRunning && !entry.endingSent && p.eventCount > 0) {
      entry.endingSent = true;
      const ending = this.syntheticEnding(entry.run.dir, []);
      if (ending) this.eventEmitter.fire({ runDir: entry.run.dir, event: ending });
    }
  }

  /**
   * A run whose process is gone without a `finished` event gets one for the feed only (the
   * file belongs to the trainer), so that panels stop showing it as live. The views show
   * such a run as `interrupted`.
   */
  private syntheticEnding(runDir: string, fileEvents: TrainerEvent[]): TrainerEvent | undefined {
    const entry = this.entries.get(runDir);
    if (entry?.live) return undefined;
    if (fileEvents.length > 0) {
      let lastStart = -1;
      fileEvents.forEach((e, i) => { if (e.type === 'started') lastStart = i; });
      if (lastStart < 0 || fileEvents.slice(lastStart).some((e) => e.type === 'finished')) return undefined;
      if (isProcessAlive((fileEvents[lastStart] as { pid: number }).pid)) return undefined;
    } else if (entry?.run.status !== 'interrupted') {
      return undefined;
    }
    const started = entry?.run.progress.startedAt;
    return {
      v: EVENTS_VERSION, t: entry?.run.progress.lastEventAt ?? Date.now(), type: 'finished', status: 'failed',
      error: { message: 'The trainer process ended without finishing the run (interrupted).' },
      duration_ms: started ? (entry?.run.progress.lastEventAt ?? started) - started : 0,
    };
  }

  private watch(): void {
    this.watchers?.forEach((w) => w.dispose());
    this.watchers = [];
    for (const folder of this.folders()) {
      // Inside a workspace folder, a workspace-relative pattern also sees a runs folder created later.
      const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder));
      const rel = ws ? relative(ws.uri.fsPath, folder).split(sep).join('/') : '';
      const pattern = ws && rel && !rel.startsWith('..') ? new vscode.RelativePattern(ws, `${rel}/**`) : new vscode.RelativePattern(vscode.Uri.file(folder), '**');
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      w.onDidCreate(() => this.scheduleRescan());
      w.onDidDelete(() => this.scheduleRescan());
      w.onDidChange((uri) => {
        const dir = uri.fsPath.endsWith(RUN_FILES.events) ? join(uri.fsPath, '..') : undefined;
        if (dir && this.entries.has(dir)) this.pollEntry(dir);
        else this.scheduleRescan();
      });
      this.watchers.push(w);
    }
  }
  private watchers: vscode.FileSystemWatcher[] | undefined;

  private scheduleRescan(): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => this.rescan(), RESCAN_DEBOUNCE_MS);
  }

  /** Watchers coalesce and miss appends; running runs are also polled, and so are their pids. */
  private schedulePoll(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      const running = [...this.entries.values()].filter((e) => e.run.status === 'running');
      for (const e of running) this.pollEntry(e.run.dir);
      if (running.length === 0) {
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
      }
    }, POLL_MS);
  }

  private fireChanged(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.changed.fire();
    }, CHANGE_THROTTLE_MS);
  }
}

function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.info)) || existsSync(join(dir, RUN_FILES.events));
}

function statMtime(dir: string): number {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}
