import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { DOWNLOAD_PREFIX } from '../ecr/download/signer.js';
import { type RequestMeter, attachMeter } from '../http/request-meter.js';
import { RequestTotals } from './request-totals.js';

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

/**
 * Request metrics on a listener: counts and latency by API, operation and status, body bytes in
 * and out, uploads streaming now. Each request gets a meter (request-meter.ts) the adapters fill
 * in; it is recorded once, when its response closes (finished or cut off by the client).
 */
export function installHttpMetrics(server: FastifyInstance, registry: Registry): void {
  const totals = new RequestTotals(registry);
  const uploads = new Gauge({
    name: 'berth_upload_requests_in_flight',
    help: 'Blob upload requests streaming their body into this node now.',
    registers: [registry],
  });

  server.addHook('onRequest', (request, reply, done) => {
    const meter = new Meter(uploads);
    attachMeter(request, meter);
    reply.raw.once('close', () => {
      if (meter.api === undefined) classifyByRoute(request, meter);
      const res = reply.raw;
      const code = res.headersSent ? res.statusCode : CLIENT_CLOSED;
      // A HEAD's Content-Length describes a body it does not send.
      const sent = meter.sentBytes ?? (res.writableFinished && request.method !== 'HEAD' ? contentLength(reply) : 0);
      totals.record(meter.api!, meter.operation!, code, reply.elapsedTime / 1000, meter.receivedBytes, sent);
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
function classifyByRoute(request: FastifyRequest, meter: RequestMeter): void {
  const route = request.routeOptions.url;
  if (route === undefined) meter.classify('other', 'unmatched');
  else meter.classify(API_OF_ROUTE[route] ?? 'other', `${request.method} ${route}`);
}

function contentLength(reply: FastifyReply): number {
  const value = Number(reply.getHeader('content-length'));
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
