/** A clock tests control, injected where Berth takes `clock: () => Date`. */
export class TestClock {
  /** Real time is shifted by this much (a running clock); unused when stopped. */
  private offset = 0;
  private stopped: number | undefined;

  /** Stopped at `start` when given (moves only when told); else real time, shifted by `advance`/`set`. */
  constructor(start?: Date) {
    this.stopped = start?.getTime();
  }

  readonly now = (): Date => new Date(this.stopped ?? Date.now() + this.offset);

  set(date: Date): void {
    if (this.stopped !== undefined) this.stopped = date.getTime();
    else this.offset = date.getTime() - Date.now();
  }

  advance(ms: number): void {
    if (this.stopped !== undefined) this.stopped += ms;
    else this.offset += ms;
  }
}
