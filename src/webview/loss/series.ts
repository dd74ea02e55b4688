// A run's events turned into columns: one table per level (steps, epochs), a row per event,
// each row placed on three x axes (global step, fractional epoch, wall seconds), and the
// spans of each training stage. Appending events only pushes rows.
import type { Stage, TrainerEvent } from '../../core/protocol/events';
import type { RunRef } from '../../core/protocol/messages';
import { Ema } from '../ui/smoothing';
import { METRIC_GROUPS, type Level, type MetricGroup } from './groups';

export type XMode = 'step' | 'epoch' | 'time';
export type XPos = Record<XMode, number>;

export interface StageSpan { stage: Stage; start: XPos; end: XPos }

export class Table {
  readonly x: Record<XMode, number[]> = { step: [], epoch: [], time: [] };
  readonly stage: Stage[] = [];
  /** Series id (`group:key`) -> values, NaN where a row has none. */
  readonly columns = new Map<string, number[]>();
  /** Rows holding at least one value of a group, by group id. */
  readonly groupRows = new Map<string, number>();
  length = 0;

  /** `groups`: the groups that contributed values, each once. */
  addRow(pos: XPos, stage: Stage, values: ReadonlyArray<[string, number]>, groups: readonly string[]): void {
    if (values.length === 0) return;
    this.x.step.push(pos.step);
    this.x.epoch.push(pos.epoch);
    this.x.time.push(pos.time);
    this.stage.push(stage);
    for (const [id, v] of values) {
      let col = this.columns.get(id);
      if (!col) {
        col = new Array<number>(this.length).fill(NaN);
        this.columns.set(id, col);
      }
      col.push(v);
    }
    this.length++;
    for (const g of groups) this.groupRows.set(g, (this.groupRows.get(g) ?? 0) + 1);
    for (const col of this.columns.values()) if (col.length < this.length) col.push(NaN);
  }

  /** Series ids of one group, in order of first appearance. */
  seriesOf(groupId: string): string[] {
    const prefix = `${groupId}:`;
    return [...this.columns.keys()].filter((k) => k.startsWith(prefix));
  }
}

interface StageCursor {
  span: StageSpan;
  stepOffset: number;
  epochOffset: number;
  stepsPerEpoch?: number;
  firstEpoch?: number;
  /** Step index where the current epoch began, to estimate steps per epoch when not given. */
  epochStartStep?: number;
  currentEpoch?: number;
}

export class RunData {
  readonly steps = new Table();
  readonly epochs = new Table();
  readonly spans: StageSpan[] = [];
  status: 'running' | 'completed' | 'stopped' | 'failed' = 'running';
  private t0?: number;
  private cursor?: StageCursor;
  private lastStep = -1;
  private lastEpoch = 0;
  private lastTime = 0;
  private readonly emas = new Map<string, Ema>();

  constructor(readonly ref: RunRef) {}

  table(level: Level): Table {
    return level === 'step' ? this.steps : this.epochs;
  }

  ingest(e: TrainerEvent): void {
    this.t0 ??= e.t;
    this.lastTime = Math.max(this.lastTime, (e.t - this.t0) / 1000);
    switch (e.type) {
      case 'started':
        this.t0 = Math.min(this.t0, e.t);
        return;
      case 'stage':
        this.beginStage(e.stage, e.steps_per_epoch);
        return;
      case 'step': {
        const c = this.stageCursor(e.stage);
        const step = Number.isFinite(e.step) ? e.step : 0;
        const epoch = Number.isFinite(e.epoch) ? e.epoch : 0;
        c.firstEpoch ??= epoch;
        if (c.currentEpoch !== epoch) {
          // A completed first epoch tells how many steps an epoch has.
          if (c.currentEpoch !== undefined && c.stepsPerEpoch === undefined && c.epochStartStep !== undefined && step > c.epochStartStep) {
            c.stepsPerEpoch = step - c.epochStartStep;
          }
          c.currentEpoch = epoch;
          c.epochStartStep = step;
        }
        const frac = c.stepsPerEpoch ? step / c.stepsPerEpoch : epoch - c.firstEpoch;
        const pos = this.advance(c, { step: c.stepOffset + step, epoch: c.epochOffset + frac, time: this.lastTime });
        this.addRow(this.steps, pos, e.stage, (g) => g.extractStep?.(e));
        return;
      }
      case 'epoch': {
        const c = this.stageCursor(e.stage);
        const epoch = Number.isFinite(e.epoch) ? e.epoch : 0;
        c.firstEpoch ??= epoch;
        const pos = this.advance(c, { step: Math.max(this.lastStep, c.stepOffset), epoch: c.epochOffset + (epoch - c.firstEpoch) + 1, time: this.lastTime });
        this.addRow(this.epochs, pos, e.stage, (g) => g.extractEpoch?.(e));
        return;
      }
      case 'finished':
        this.status = e.status;
        return;
      case 'checkpoint':
      case 'comparison':
      case 'log':
        return;
      default: {
        const unhandled: never = e;
        void unhandled;
      }
    }
  }

  /** Smoothed copy of a column, extended incrementally; a new weight starts afresh. */
  smoothed(level: Level, id: string, weight: number): number[] {
    const key = `${level}|${id}`;
    let ema = this.emas.get(key);
    if (!ema || ema.weight0 !== weight) {
      ema = new Ema(weight);
      this.emas.set(key, ema);
    }
    return ema.extend(this.table(level).columns.get(id) ?? []);
  }

  private addRow(table: Table, pos: XPos, stage: Stage, extract: (g: MetricGroup) => Array<[string, number]> | undefined): void {
    const values: Array<[string, number]> = [];
    const groups: string[] = [];
    for (const g of METRIC_GROUPS) {
      const got = extract(g);
      if (!got?.length) continue;
      groups.push(g.id);
      for (const [k, v] of got) values.push([`${g.id}:${k}`, v]);
    }
    table.addRow(pos, stage, values, groups);
  }

  private beginStage(stage: Stage, stepsPerEpoch?: number): StageCursor {
    const start: XPos = { step: this.lastStep + 1, epoch: this.lastEpoch, time: this.lastTime };
    const span: StageSpan = { stage, start, end: { ...start } };
    this.spans.push(span);
    this.cursor = {
      span, stepOffset: this.lastStep + 1, epochOffset: this.lastEpoch,
      stepsPerEpoch: typeof stepsPerEpoch === 'number' && stepsPerEpoch > 0 ? stepsPerEpoch : undefined,
    };
    return this.cursor;
  }

  private stageCursor(stage: Stage): StageCursor {
    return this.cursor && this.cursor.span.stage === stage ? this.cursor : this.beginStage(stage);
  }

  private advance(c: StageCursor, pos: XPos): XPos {
    this.lastStep = Math.max(this.lastStep, pos.step);
    this.lastEpoch = Math.max(this.lastEpoch, pos.epoch);
    c.span.end = { step: Math.max(c.span.end.step, pos.step), epoch: Math.max(c.span.end.epoch, pos.epoch), time: Math.max(c.span.end.time, pos.time) };
    return pos;
  }
}
