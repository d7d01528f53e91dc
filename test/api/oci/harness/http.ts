/**
 * A small HTTP client over node:http, so tests control every header and body exactly (fetch
 * refuses to set Content-Length and cannot send a streamed body without a length).
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';

export type Body = Buffer | string | Readable | undefined;

export interface RequestOptions {
  headers?: Record<string, string | string[]>;
  body?: Body;
  query?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** One header value (the first when repeated). */
  header(name: string): string | undefined;
  json<T = unknown>(): T;
  /** The first error code of an OCI error envelope. */
  errorCode(): string | undefined;
}

export class HttpClient {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly baseUrl: string) {}

  async send(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string | string[]> = { ...(options.headers ?? {}) };
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    const hasLength = Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
    // Like Go's net/http: the length of an in-memory body is always sent, and a body-less PUT/POST/PATCH says 0.
    if (Buffer.isBuffer(body) && !hasLength) headers['content-length'] = String(body.length);
    if (body === undefined && !hasLength && ['POST', 'PUT', 'PATCH'].includes(method)) headers['content-length'] = '0';
    return new Promise<HttpResponse>((resolve, reject) => {
      const req = httpRequest(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve(toResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
      });
      req.on('error', reject);
      if (body instanceof Readable) body.pipe(req);
      else req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function toResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): HttpResponse {
  return {
    status,
    headers,
    body,
    header(name) {
      const v = headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    },
    json<T>() {
      return JSON.parse(body.toString('utf8')) as T;
    },
    errorCode() {
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: string }[] };
        return parsed.errors?.[0]?.code;
      } catch {
        return undefined;
      }
    },
  };
}

/** A Location header as a path plus query (what reggie's GetRelativeLocation returns). */
export function relativeLocation(response: HttpResponse): string {
  const location = response.header('location');
  if (!location) throw new Error(`response ${response.status} has no Location header`);
  const url = new URL(location, 'http://placeholder');
  return `${url.pathname}${url.search}`;
}
