// Stop requests: SIGINT/SIGTERM, or `{type:'stop'}` from the parent over IPC. The loop
// finishes its current step, checkpoints, and ends with `finished: stopped`. A second
// SIGINT while stopping exits at once (the run then reads as interrupted).
import type { HostToTrainerMessage } from '../../core/protocol/events';
import type { StopSignal } from '../loop/experiment';

export class StopControl implements StopSignal {
  private _requested = false;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly onRequest: (why: string) => void = () => undefined) {}

  get requested(): boolean {
    return this._requested;
  }

  request(why: string): void {
    if (this._requested) return;
    this._requested = true;
    this.onRequest(why);
  }

  /** Listens for signals and IPC; call `dispose` when the run is over. */
  install(): this {
    const onSignal = (sig: NodeJS.Signals) => {
      if (this._requested && sig === 'SIGINT') process.exit(130);
      this.request(sig);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    this.disposers.push(() => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); });
    if (typeof process.send === 'function') {
      const onMessage = (m: unknown) => {
        if ((m as HostToTrainerMessage | undefined)?.type === 'stop') this.request('stop requested by the editor');
      };
      process.on('message', onMessage);
      this.disposers.push(() => process.off('message', onMessage));
    }
    return this;
  }

  dispose(): void {
    this.disposers.splice(0).forEach((d) => d());
  }
}
