import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DOWNLOAD_PREFIX } from '../ecr/download/signer.js';
import { type RequestMeter, attachMeter } from '../http/request-meter.js';

/** Seconds: from a fast manifest HEAD to a multi-GiB layer going through (the response is timed until its last byte). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The API of each route template the app mounts; requests an adapter does not classify are named by their template. */
const API_OF_ROUTE: Record<string, string> = {
  '/v2': 'oci',
  '/v2/*': 'oci',
  '/': 'ecr',
  [`${DOWNLOAD_PREFIX}*`]: 'ecr-download',
  '/token': 'token',
  '/healthz': 'health',
  '/metrics': 'metrics',
};

/** The status a request that ended before its response began is counted with (nginx's "client closed request"). */
const CLIENT_CLOSED = 499;

interface Series {
  requests: Counter.Internal;
  received: Counter.Internal;
  sent: Counter.Internal;
  duration: Histogram.Internal<string>;
}

/**
 * Request metrics on a listener: counts and latency by API, operation and status, body bytes in
 * and out, uploads streaming now. Each request gets a meter (request-meter.ts) the adapters fill
 * in; it is recorded once, when its response closes (finished or cut off by the client).
 */
export function installHttpMetrics(server: FastifyInstance, registry: Registry): void {
  const registers = [registry];
  const requests = new Counter({
    name: 'berth_http_requests_total',
    help: 'HTTP requests by API (oci, ecr, ecr-download, token, health, metrics, other), operation (/v2 operation, ECR operation, or route) and status code (499: the client left before the response began).',
    labelNames: ['api', 'operation', 'code'],
    registers,
  });
  const duration = new Histogram({
    name: 'berth_http_request_duration_seconds',
    help: 'Time from a request\'s arrival to its response\'s last byte, by API, operation and status class.',
    labelNames: ['api', 'operation', 'status_class'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const received = new Counter({
    name: 'berth_http_received_bytes_total',
    help: 'Request body bytes read: blob upload chunks (as they stream, also when the upload fails), manifests, ECR request bodies.',
    labelNames: ['api', 'operation'],
    registers,
  });
  const sent = new Counter({
    name: 'berth_http_sent_bytes_total',
    help: 'Response body bytes sent: blob downloads as they stream (also when cut off), other responses by their Content-Length.',
    labelNames: ['api', 'operation'],
    registers,
  });
  const uploads = new Gauge({
    name: 'berth_upload_requests_in_flight',
    help: 'Blob upload requests streaming their body into this node now.',
    registers,
  });

  // Label lookups hash every label set; one lookup per distinct series instead of per request.
  const series = new Map<string, Series>();
  const seriesOf = (api: string, operation: string, code: string): Series => {
    const key = `${api} ${operation} ${code}`;
    let found = series.get(key);
    if (!found) {
      found = {
        requests: requests.labels(api, operation, code),
        received: received.labels(api, operation),
        sent: sent.labels(api, operation),
        duration: duration.labels(api, operation, `${code[0]}xx`),
      };
      series.set(key, found);
    }
    return found;
  };

  server.addHook('onRequest', (request, reply, done) => {
    const meter = new Meter(uploads);
    attachMeter(request, meter);
    reply.raw.once('close', () => {
      const [api, operation] = meter.api !== undefined ? [meter.api, meter.operation!] : classifyByRoute(request);
      const res = reply.raw;
      const code = res.headersSent ? String(res.statusCode) : String(CLIENT_CLOSED);
      const s = seriesOf(api, operation, code);
      s.requests.inc();
      s.duration.observe(reply.elapsedTime / 1000);
      if (meter.receivedBytes > 0) s.received.inc(meter.receivedBytes);
      // A HEAD's Content-Length describes a body it does not send.
      const out = meter.sentBytes ?? (res.writableFinished && request.method !== 'HEAD' ? contentLength(reply) : 0);
      if (out > 0) s.sent.inc(out);
    });
    done();
  });
}

class Meter implements RequestMeter {
  api: string | undefined;
  operation: string | undefined;
  receivedBytes = 0;
  sentBytes: number | undefined;

  constructor(private readonly uploads: Gauge) {}

  classify(api: string, operation: string): void {
    this.api = api;
    this.operation = operation;
  }

  received(bytes: number): void {
    this.receivedBytes += bytes;
  }

  sent(bytes: number): void {
    this.sentBytes = (this.sentBytes ?? 0) + bytes;
  }

  async uploading<T>(work: () => Promise<T>): Promise<T> {
    this.uploads.inc();
    try {
      return await work();
    } finally {
      this.uploads.dec();
    }
  }
}

/** A request no adapter classified: its route template (bounded: the routes the app mounts), or "unmatched". */
function classifyByRoute(request: FastifyRequest): [string, string] {
  const route = request.routeOptions.url;
  if (route === undefined) return ['other', 'unmatched'];
  return [API_OF_ROUTE[route] ?? 'other', `${request.method} ${route}`];
}

function contentLength(reply: FastifyReply): number {
  const value = Number(reply.getHeader('content-length'));
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
