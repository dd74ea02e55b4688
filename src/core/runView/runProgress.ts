// A run's live state, folded from its trainer events in order. The status bar, the runs
// view and the inline results all read this one fold, so they never disagree.
import type {
  ComparisonSummary, EpochEvent, FinishedEvent, RunStatus, Stage, TermValue, TrainerEvent,
} from '../protocol/events';

export interface StageProgress {
  stage: Stage;
  epochs?: number;
  stepsPerEpoch?: number;
  skipped?: 'cached' | 'loaded';
  /** First step seen in this stage and when: the ETA's rate is measured from it. */
  firstStep?: { step: number; t: number };
  lastStep?: { step: number; epoch: number; t: number; total: number | null };
}

export interface RunProgress {
  runId?: string;
  experiment?: string;
  runDir?: string;
  pid?: number;
  backend?: string;
  startedAt?: number;
  lastEventAt?: number;
  stage?: StageProgress;
  /** The last step's terms in the distill stage: the values a loss term's inline hint shows. */
  distillTerms: Record<string, TermValue>;
  /** Term weights from the last distill epoch (schedules and adaptive weighting move them). */
  distillWeights: Record<string, number>;
  lastValidation?: EpochEvent['validation'];
  summary?: ComparisonSummary;
  finished?: FinishedEvent;
  /** The last error-level log message: shown when a run fails without an error of its own. */
  lastError?: string;
  eventCount: number;
}

export function emptyProgress(): RunProgress {
  return { distillTerms: {}, distillWeights: {}, eventCount: 0 };
}

/** Applies one event in place (a run can have tens of thousands of step events). */
export function applyEvent(p: RunProgress, e: TrainerEvent): RunProgress {
  p.eventCount++;
  p.lastEventAt = e.t;
  switch (e.type) {
    case 'started':
      p.runId = e.run_id;
      p.experiment = e.experiment;
      p.runDir = e.run_dir;
      p.pid = e.pid;
      p.backend = e.backend;
      p.startedAt ??= e.t;
      // A resumed run starts a new process: an earlier ending no longer holds.
      p.finished = undefined;
      break;
    case 'stage':
      p.stage = { stage: e.stage, epochs: e.epochs, stepsPerEpoch: e.steps_per_epoch, skipped: e.skipped };
      break;
    case 'step': {
      if (!p.stage || p.stage.stage !== e.stage) p.stage = { stage: e.stage };
      p.stage.firstStep ??= { step: e.step, t: e.t };
      p.stage.lastStep = { step: e.step, epoch: e.epoch, t: e.t, total: e.total };
      if (e.stage === 'distill') p.distillTerms = e.losses;
      break;
    }
    case 'epoch':
      if (e.validation) p.lastValidation = e.validation;
      if (e.stage === 'distill' && e.weights) p.distillWeights = e.weights;
      break;
    case 'comparison':
      p.summary = e.summary;
      break;
    case 'log':
      if (e.level === 'error') p.lastError = e.message;
      break;
    case 'finished':
      p.finished = e;
      break;
    case 'checkpoint':
      break;
    default: {
      const never: never = e;
      return never;
    }
  }
  return p;
}

export function progressOf(events: Iterable<TrainerEvent>): RunProgress {
  const p = emptyProgress();
  for (const e of events) applyEvent(p, e);
  return p;
}

/**
 * The status a view shows. A run without a `finished` event is running while its process
 * lives and `interrupted` once it is gone (DESIGN.md "The trainer process").
 */
export function statusOf(p: RunProgress, processAlive: boolean): RunStatus {
  if (p.finished) return p.finished.status;
  return processAlive ? 'running' : 'interrupted';
}

/** The error a failed run reports, in one line. */
export function failureMessage(p: RunProgress): string | undefined {
  const m = p.finished?.error?.message ?? p.lastError;
  return m?.split('\n')[0];
}
