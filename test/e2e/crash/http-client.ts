import { Agent, type ClientRequest, request, type IncomingHttpHeaders } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestHooks {
  /** Called after each slice of a request body is handed to the socket (the kill switch counts bytes). */
  onBodyBytes?(bytes: number): void;
  /** Called when a request starts and when it has been answered or failed (to count requests in flight). */
  onRequestStart?(): void;
  onRequestEnd?(): void;
  /** Called once a request's whole body has been sent, before the reply (the server is now working on it). */
  onRequestSent?(kind: RequestKind): void;
}

/** What a request does, so a kill can be aimed at, e.g., the moment blobs are committed. */
export type RequestKind = 'other' | 'chunk' | 'commit' | 'manifest';

const SLICE = 64 * 1024;

/**
 * A plain HTTP/1.1 client for the registry API that streams request bodies in 64 KiB slices and
 * yields to the event loop between them, so many concurrent pushes interleave on the wire and a
 * kill lands in the middle of transfers rather than between them.
 */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    readonly base: string,
    private readonly hooks: RequestHooks = {},
  ) {}

  /** `path` may be absolute (a Location header from an earlier server): only its path and query are used. */
  url(path: string): URL {
    const given = new URL(path, this.base);
    return new URL(given.pathname + given.search, this.base);
  }

  async send(
    method: string,
    path: string,
    options: { headers?: Record<string, string | number>; body?: Buffer; kind?: RequestKind } = {},
  ): Promise<Reply> {
    const body = options.body ?? Buffer.alloc(0);
    const headers = { ...options.headers };
    if (method !== 'GET' && method !== 'HEAD') headers['Content-Length'] = body.length;
    const req = request(this.url(path), { method, headers, agent: this.agent });
    this.hooks.onRequestStart?.();
    const reply = new Promise<Reply>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('close', () => {
          if (res.complete) resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          else reject(new Error(`${method} ${path}: response cut short`));
        });
      });
    });
    reply.catch(() => undefined).finally(() => this.hooks.onRequestEnd?.());
    try {
      for (let offset = 0; offset < body.length && !req.destroyed; offset += SLICE) {
        const slice = body.subarray(offset, offset + SLICE);
        const flushed = req.write(slice);
        this.hooks.onBodyBytes?.(slice.length);
        if (!flushed && !req.destroyed) await drainedOrClosed(req);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!req.destroyed) {
        req.end(() => this.hooks.onRequestSent?.(options.kind ?? 'other'));
      }
    } catch {
      // The connection failed mid-body; the reply promise carries the error.
    }
    return reply;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** An error for a reply the registry should not have given. */
export class UnexpectedReply extends Error {
  constructor(method: string, path: string, expected: number, reply: Reply) {
    super(`${method} ${path}: expected ${expected}, got ${reply.status} ${reply.body.toString('utf8').slice(0, 500)}`);
    this.name = 'UnexpectedReply';
  }
}

export function expectStatus(method: string, path: string, expected: number, reply: Reply): Reply {
  if (reply.status !== expected) throw new UnexpectedReply(method, path, expected, reply);
  return reply;
}

function drainedOrClosed(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}
