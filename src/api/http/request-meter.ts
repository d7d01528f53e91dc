import type { FastifyRequest } from 'fastify';

/**
 * What an adapter tells the request metrics about one request (src/api/metrics/http-metrics.ts
 * attaches a meter to each request when metrics are on; without them `meterOf` is undefined and
 * the adapters skip the calls). Labels must come from a bounded set: an operation name or a route
 * template, never a path, repository, tag or digest.
 */
export interface RequestMeter {
  /** The API and operation the request turned out to be (e.g. oci, manifest.get; ecr, PutImage). */
  classify(api: string, operation: string): void;
  /** Request body bytes read (upload chunks as they stream, a manifest, an ECR body). */
  received(bytes: number): void;
  /** Response body bytes written by the adapter itself (a blob as it streams). */
  sent(bytes: number): void;
  /** Counts an upload body in progress while `work` runs. */
  uploading<T>(work: () => Promise<T>): Promise<T>;
}

// A symbol-keyed property of the raw request rather than a WeakMap entry: on the manifest GET path
// a WeakMap.set per request cost about as much as everything else the metrics do.
const METER = Symbol('berth.requestMeter');

type Metered = { [METER]?: RequestMeter };

export function attachMeter(request: FastifyRequest, meter: RequestMeter): void {
  (request.raw as Metered)[METER] = meter;
}

export function meterOf(request: FastifyRequest): RequestMeter | undefined {
  return (request.raw as Metered)[METER];
}
