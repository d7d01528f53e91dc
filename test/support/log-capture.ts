import { PassThrough } from 'node:stream';

/** A log sink for `buildApp`'s `logStream` that keeps everything written to it. */
export interface LogCapture {
  stream: PassThrough;
  /** The raw text so far (to check no secret ever reached it). */
  text(): string;
  /** The JSON lines so far. */
  records(): Record<string, unknown>[];
}

export function captureLogs(): LogCapture {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const text = () => Buffer.concat(chunks).toString('utf8');
  return {
    stream,
    text,
    records: () =>
      text()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
