import type { RequestHooks, RequestKind } from './http-client.js';

/** When in a round to kill the server. */
export type KillPlan =
  | { at: 'bytes'; fraction: number }
  | { at: 'request-sent'; kind: RequestKind; nth: number };

export function describePlan(plan: KillPlan): string {
  return plan.at === 'bytes'
    ? `after ${(plan.fraction * 100).toFixed(1)}% of the round's upload bytes were sent`
    : `right after the body of ${plan.kind} request #${plan.nth} was sent`;
}

/**
 * Client hooks that `kill -9` the server, synchronously, the moment the plan's condition is met,
 * so the kill lands mid-transfer (by bytes) or mid-commit (right after a commit or manifest
 * request reached the server, while it hashes, moves and records).
 */
export class KillSwitch implements RequestHooks {
  private bytes = 0;
  private sent = 0;
  fired = false;
  /** Requests the client had in flight when the kill fired. */
  inFlightAtKill = 0;
  private inFlight = 0;

  constructor(
    private readonly pid: number,
    private readonly plan: KillPlan,
    private readonly totalBytes: number,
  ) {}

  onRequestStart(): void {
    this.inFlight++;
  }

  onRequestEnd(): void {
    this.inFlight--;
  }

  onBodyBytes(bytes: number): void {
    this.bytes += bytes;
    if (this.plan.at === 'bytes' && this.bytes >= this.plan.fraction * this.totalBytes) this.fire();
  }

  onRequestSent(kind: RequestKind): void {
    if (this.plan.at === 'request-sent' && kind === this.plan.kind && ++this.sent === this.plan.nth) this.fire();
  }

  private fire(): void {
    if (this.fired) return;
    this.fired = true;
    this.inFlightAtKill = this.inFlight;
    process.kill(this.pid, 'SIGKILL');
  }
}
