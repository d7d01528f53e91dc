import { writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LogDestinationOptions {
  /** The file descriptor lines are written to (default 1, stdout). */
  fd?: number;
  /** Bytes held while the descriptor takes nothing; lines beyond them are dropped (default 1 MiB). */
  maxPendingBytes?: number;
  /** How often a blocked descriptor is tried again (default 100 ms), on a timer, never in a loop. */
  retryMs?: number;
}

/**
 * Where the server's log lines (pino's JSON) go: it never blocks the event loop and never throws
 * or emits 'error'. pino's default destination (sonic-boom) retries a full pipe in a blocking loop
 * (`write` every 100 ms, the server frozen meanwhile) and crashes on ENOSPC with an unhandled
 * 'error' event; a log that cannot be written must cost lines, not the registry.
 *
 * Lines are written synchronously while the descriptor takes them, so nothing is lost at exit.
 * When it does not (EAGAIN from a pipe or socket nobody reads, ENOSPC, EPIPE, EIO, …), up to
 * `maxPendingBytes` are held and retried on a timer; lines beyond are dropped and counted, and once
 * the held lines are written a warning line says how many were lost.
 */
export class LogDestination {
  private readonly fd: number;
  private readonly maxPendingBytes: number;
  private readonly retryMs: number;
  /** Lines not written yet, oldest first; the first may be partly written. */
  private readonly pending: (string | Buffer)[] = [];
  private pendingBytes = 0;
  /** Dropped since the log last took everything held. */
  private droppedSinceResume = 0;
  private droppedTotal = 0;
  private retry: NodeJS.Timeout | undefined;

  constructor(options: LogDestinationOptions = {}) {
    this.fd = options.fd ?? 1;
    this.maxPendingBytes = options.maxPendingBytes ?? 1024 * 1024;
    this.retryMs = options.retryMs ?? 100;
    // Creating process.stdout opens a pipe or socket stdout in non-blocking mode (libuv), so a
    // full pipe answers EAGAIN instead of stopping the process; files and terminals are unaffected.
    if (this.fd === 1) void process.stdout;
  }

  /** Lines lost since this destination was made (for a metric). */
  get dropped(): number {
    return this.droppedTotal;
  }

  write(line: string): void {
    if (this.pending.length === 0) {
      const written = this.attempt(line);
      if (written === Buffer.byteLength(line)) return;
      const bytes = Buffer.from(line);
      this.hold(written > 0 ? bytes.subarray(written) : bytes);
      return;
    }
    // Once lines are dropped, every line is until the log takes the held ones: no holes mid-stream.
    const size = Buffer.byteLength(line);
    if (this.droppedSinceResume > 0 || this.pendingBytes + size > this.maxPendingBytes) {
      this.droppedSinceResume++;
      this.droppedTotal++;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += size;
  }

  /** Bytes written, or -1 when the descriptor took nothing (the reason does not matter: retry later). */
  private attempt(chunk: string | Buffer): number {
    try {
      return typeof chunk === 'string' ? writeSync(this.fd, chunk, null, 'utf8') : writeSync(this.fd, chunk);
    } catch {
      return -1;
    }
  }

  private hold(rest: Buffer): void {
    this.pending.push(rest);
    this.pendingBytes += rest.length;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => this.flushPending(), this.retryMs);
    this.retry.unref();
  }

  private flushPending(): void {
    this.retry = undefined;
    while (this.pending.length > 0) {
      const chunk = this.pending[0]!;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const written = this.attempt(bytes);
      if (written >= bytes.length) {
        this.pending.shift();
        this.pendingBytes -= bytes.length;
        continue;
      }
      if (written > 0) {
        this.pending[0] = bytes.subarray(written);
        this.pendingBytes -= written;
      }
      this.scheduleRetry();
      return;
    }
    this.pendingBytes = 0;
    if (this.droppedSinceResume > 0) {
      const dropped = this.droppedSinceResume;
      this.droppedSinceResume = 0;
      this.write(droppedNotice(dropped));
    }
  }
}

/** A pino-shaped warning (level 40) saying how many lines the log lost. */
function droppedNotice(dropped: number): string {
  const record = { level: 40, time: Date.now(), pid: process.pid, hostname: hostname(), droppedLines: dropped, msg: 'log lines dropped while the log could not be written' };
  return `${JSON.stringify(record)}\n`;
}

