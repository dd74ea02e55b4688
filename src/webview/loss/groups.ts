// The loss panel's charts: one metric group per chart, in display order. Each group reads its
// series from one level of events (steps or epochs); fields are read defensively because
// other trainers may write the same event format.
import type { EpochEvent, Stage, StepEvent } from '../../core/protocol/events';

export type Level = 'step' | 'epoch';

export interface MetricGroup {
  id: string;
  title: string;
  level: Level;
  /** Series of this group in one event, as [series key, value]. */
  extractStep?(e: StepEvent): Array<[string, number]>;
  extractEpoch?(e: EpochEvent): Array<[string, number]>;
}

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function termField(e: StepEvent, field: 'value' | 'weight' | 'weighted'): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  if (typeof e.losses !== 'object' || e.losses === null) return out;
  for (const [term, v] of Object.entries(e.losses)) {
    if (v && num(v[field])) out.push([term, v[field]]);
  }
  return out;
}

/** Which network a stage trains: the baseline is the student architecture without KD. */
function trainedModel(stage: Stage): 'teacher' | 'student' {
  return stage === 'teacher' ? 'teacher' : 'student';
}

export const METRIC_GROUPS: readonly MetricGroup[] = [
  { id: 'terms', title: 'Loss terms (unweighted)', level: 'step', extractStep: (e) => termField(e, 'value') },
  { id: 'weighted', title: 'Loss terms (weighted)', level: 'step', extractStep: (e) => termField(e, 'weighted') },
  { id: 'total', title: 'Total loss', level: 'step', extractStep: (e) => (num(e.total) ? [['total', e.total]] : []) },
  { id: 'weights', title: 'Term weights', level: 'step', extractStep: (e) => termField(e, 'weight') },
  { id: 'lr', title: 'Learning rate', level: 'step', extractStep: (e) => (num(e.lr) ? [['lr', e.lr]] : []) },
  {
    id: 'accuracy', title: 'Accuracy (train / validation)', level: 'epoch',
    extractEpoch: (e) => {
      const out: Array<[string, number]> = [];
      const model = trainedModel(e.stage);
      if (num(e.train?.accuracy)) out.push([`train ${model}`, e.train.accuracy]);
      const v = e.validation;
      if (v) {
        if (num(v.student_accuracy)) out.push(['val student', v.student_accuracy]);
        if (num(v.teacher_accuracy)) out.push(['val teacher', v.teacher_accuracy]);
        if (num(v.accuracy) && !num(model === 'teacher' ? v.teacher_accuracy : v.student_accuracy)) {
          out.push([`val ${model}`, v.accuracy]);
        }
      }
      return out;
    },
  },
  {
    id: 'agreement', title: 'Teacher–student agreement', level: 'epoch',
    extractEpoch: (e) => (num(e.validation?.agreement) ? [['agreement', e.validation.agreement]] : []),
  },
  {
    id: 'kl', title: 'Validation KL(teacher ‖ student)', level: 'epoch',
    extractEpoch: (e) => (num(e.validation?.kl) ? [['kl', e.validation.kl]] : []),
  },
  {
    id: 'epochLoss', title: 'Epoch loss (train / validation)', level: 'epoch',
    extractEpoch: (e) => {
      const out: Array<[string, number]> = [];
      if (num(e.train?.loss)) out.push(['train', e.train.loss]);
      if (num(e.validation?.loss)) out.push(['validation', e.validation.loss]);
      return out;
    },
  },
  {
    id: 'throughput', title: 'Throughput (examples/s)', level: 'step',
    extractStep: (e) => (num(e.examples_per_sec) ? [['examples/s', e.examples_per_sec]] : []),
  },
  {
    id: 'metrics', title: 'Other metrics', level: 'step',
    extractStep: (e) => Object.entries(e.metrics ?? {}).filter((kv): kv is [string, number] => num(kv[1])),
  },
];
