/**
 * An HTTP/1.1 request written by hand over a socket, for tests that send a body slowly, partly, or
 * not at all, and watch when (and whether) the server answers and closes.
 */
import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class RawRequest {
  readonly socket: Socket;
  private received = '';
  /** Settles with the server's answer once its head and body arrived, or undefined if it closed without one. */
  readonly answer: Promise<RawAnswer | undefined>;
  /** Settles when the connection is closed (by either side). */
  readonly closed: Promise<void>;
  /** Bytes of the body written so far. */
  written = 0;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.answer = new Promise((resolve) => {
      this.socket.on('data', (data: Buffer) => {
        this.received += data.toString('latin1');
        const parsed = parseAnswer(this.received);
        if (parsed) resolve(parsed);
      });
      this.socket.once('close', () => resolve(parseAnswer(this.received)));
    });
  }

  /** Writes the request line and headers. */
  head(lines: string[]): void {
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  }

  /** Writes body bytes; resolves once handed to the socket, or false when the socket is gone. */
  async write(bytes: Buffer | string): Promise<boolean> {
    if (this.socket.destroyed) return false;
    return new Promise((resolve) =>
      this.socket.write(bytes, (err) => {
        if (!err) this.written += Buffer.byteLength(bytes);
        resolve(!err);
      }),
    );
  }

  /**
   * Writes `total` bytes of body in 1 MiB pieces while the server takes them: stops when the socket
   * is gone or the server has taken nothing for `stallMs`. Returns what was written.
   */
  async pour(total: number, stallMs = 2000): Promise<number> {
    const piece = Buffer.alloc(1024 * 1024, 'A');
    let sent = 0;
    while (sent < total && !this.socket.destroyed) {
      const bytes = piece.subarray(0, Math.min(piece.length, total - sent));
      const taken = await Promise.race([this.write(bytes), wait(stallMs).then(() => undefined)]);
      if (taken !== true) break;
      sent += bytes.length;
    }
    return sent;
  }

  /** Answer within `ms`, or undefined. */
  answerWithin(ms: number): Promise<RawAnswer | undefined> {
    return Promise.race([this.answer, wait(ms).then(() => undefined)]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function parseAnswer(text: string): RawAnswer | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(end + 4);
  const length = Number(headers['content-length'] ?? 0);
  if (body.length < length) return undefined;
  return { status: Number(statusLine!.split(' ')[1]), headers, body: body.slice(0, length) };
}

export const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the bytes a server reads from the connections it accepts from now on. */
export function countBytesRead(server: Server): { total(): number; stop(): void } {
  const sockets: Socket[] = [];
  const track = (socket: Socket) => sockets.push(socket);
  server.on('connection', track);
  return {
    total: () => sockets.reduce((sum, s) => sum + s.bytesRead, 0),
    stop: () => server.off('connection', track),
  };
}
