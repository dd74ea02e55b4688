// One run's events as delivered by two sources of the same sequence (IPC from a forked
// trainer, and its events.jsonl). Events carry no ids; both sources count them in file
// order, and an event is applied once, by whichever source offers its index first.
import type { TrainerEvent } from '../protocol/events';
import { applyEvent, emptyProgress, type RunProgress } from './runProgress';

export class EventSequence {
  readonly progress: RunProgress = emptyProgress();
  private applied = 0;

  /** How many events (in file order) have been applied. */
  get count(): number {
    return this.applied;
  }

  /** Offers the event at `index` of the run's file order; true when it was new and is now applied. */
  offer(index: number, event: TrainerEvent): boolean {
    if (index < this.applied) return false;
    applyEvent(this.progress, event);
    this.applied = index + 1;
    return true;
  }
}
