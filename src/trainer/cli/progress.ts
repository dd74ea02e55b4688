// The terminal view of a running experiment: one line redrawn in place on a TTY (stage,
// epoch, step, loss, examples/s, ETA), plain lines otherwise (CI logs, pipes).
import type { TrainerEvent } from '../../core/protocol/events';
import type { CliOutput } from './output';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(2)}%`);
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

export class ProgressDisplay {
  private stage?: { name: string; epochs: number; spe: number; startedAt: number; firstStep?: number };
  private lastPlainAt = 0;
  private lineOpen = false;

  constructor(private readonly o: CliOutput, private readonly plainIntervalMs = 5000) {}

  private line(text: string): void {
    if (this.lineOpen) this.o.stdout('\r\x1b[K');
    this.lineOpen = false;
    this.o.stdout(text + '\n');
  }

  private status(text: string): void {
    if (!this.o.isTTY) return;
    const width = Math.max(40, (this.o.columns || 100) - 1); // 0 or undefined when the size is unknown
    this.o.stdout('\r\x1b[K' + text.slice(0, width));
    this.lineOpen = true;
  }

  readonly onEvent = (e: TrainerEvent): void => {
    switch (e.type) {
      case 'started':
        this.line(`${e.resumed ? 'resuming' : 'run'} ${e.run_id} (${e.backend}, seed ${e.seed})\n  ${e.run_dir}`);
        break;
      case 'stage':
        this.stage = { name: e.stage, epochs: e.epochs ?? 0, spe: e.steps_per_epoch ?? 0, startedAt: Date.now() };
        this.line(e.skipped ? `${e.stage}: ${e.skipped === 'cached' ? 'cached teacher reused' : 'loaded'}` : `${e.stage}${e.epochs ? `: ${e.epochs} epoch(s) × ${e.steps_per_epoch} steps` : ''}`);
        break;
      case 'step': {
        const st = this.stage;
        st && (st.firstStep ??= e.step);
        const total = st ? st.epochs * st.spe : 0;
        const done = st ? e.step + 1 - (st.firstStep ?? 0) : 0;
        const elapsed = st ? Date.now() - st.startedAt : 0;
        const eta = total && done > 0 ? ((total - e.step - 1) * elapsed) / done : NaN;
        const inEpoch = st?.spe ? (e.step % st.spe) + 1 : e.step + 1;
        const text = `${e.stage} epoch ${e.epoch + 1}/${st?.epochs ?? '?'} step ${inEpoch}/${st?.spe ?? '?'}  loss ${num(e.total)}  ${e.examples_per_sec.toLocaleString('en-US')} ex/s  ETA ${formatDuration(eta)}`;
        if (this.o.isTTY) this.status(text);
        else if (Date.now() - this.lastPlainAt >= this.plainIntervalMs) {
          this.lastPlainAt = Date.now();
          this.line(`  ${text}`);
        }
        break;
      }
      case 'epoch': {
        const v = e.validation;
        const parts = [`train loss ${num(e.train.loss ?? NaN)} acc ${pct(e.train.accuracy)}`];
        if (v) {
          parts.push(`val acc ${pct(v.student_accuracy ?? v.accuracy)}`);
          if (v.agreement !== undefined) parts.push(`agreement ${pct(v.agreement)}`);
          if (v.kl !== undefined) parts.push(`KL ${num(v.kl)}`);
        }
        this.line(`  ${e.stage} epoch ${e.epoch + 1}: ${parts.join(', ')} (${formatDuration(e.duration_ms)})`);
        break;
      }
      case 'log':
        if (e.level !== 'debug') this.line(`${e.level === 'info' ? '' : `${e.level}: `}${e.level === 'error' ? e.message : e.message.split('\n')[0]}`);
        break;
      case 'checkpoint':
      case 'comparison':
        break;
      case 'finished':
        this.line(`finished: ${e.status}${e.error ? ` — ${e.error.message}` : ''} (${formatDuration(e.duration_ms)})`);
        break;
      default: {
        const never: never = e;
        void never;
      }
    }
  };
}
