import { Counter, type Registry } from 'prom-client';

/** Seconds: from a fast manifest HEAD to a multi-GiB layer going through (the response is timed until its last byte). */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** What the requests of one (api, operation, code) added up to. */
class Totals {
  requests = 0;
  received = 0;
  sent = 0;
  seconds = 0;
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly buckets = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);

  constructor(
    readonly api: string,
    readonly operation: string,
    readonly code: string,
  ) {}
}

/**
 * The request metrics' running totals, kept as plain numbers per series and handed to prom-client
 * only when scraped. Recording through prom-client's own inc/observe costs 3–6 µs each (it
 * validates and hashes the labels on every call); a request here costs a map lookup and a few
 * additions, which the manifest GET path can afford.
 */
export class RequestTotals {
  /** api → operation → status code → totals: nested maps, so recording builds no key string. */
  private readonly series = new Map<string, Map<string, Map<number, Totals>>>();

  constructor(registry: Registry) {
    const registers = [registry];
    const totals = () => this.all();
    new Counter({
      name: 'berth_http_requests_total',
      help: 'HTTP requests by API (oci, ecr, ecr-download, token, health, metrics, other), operation (/v2 operation, ECR operation, or route) and status code (499: the client left before the response began).',
      labelNames: ['api', 'operation', 'code'],
      registers,
      collect() {
        this.reset();
        for (const t of totals()) this.inc({ api: t.api, operation: t.operation, code: t.code }, t.requests);
      },
    });
    const bytes = (name: string, help: string, value: (t: Totals) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['api', 'operation'],
        registers,
        collect() {
          this.reset();
          for (const t of totals()) if (value(t) > 0) this.inc({ api: t.api, operation: t.operation }, value(t));
        },
      });
    bytes(
      'berth_http_received_bytes_total',
      'Request body bytes read: blob upload chunks (as they stream, also when the upload fails), manifests, ECR request bodies.',
      (t) => t.received,
    );
    bytes(
      'berth_http_sent_bytes_total',
      'Response body bytes sent: blob downloads as they stream (also when cut off), other responses by their Content-Length.',
      (t) => t.sent,
    );
    registry.registerMetric(durationHistogram(totals) as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  record(api: string, operation: string, code: number, seconds: number, received: number, sent: number): void {
    let operations = this.series.get(api);
    if (!operations) this.series.set(api, (operations = new Map()));
    let codes = operations.get(operation);
    if (!codes) operations.set(operation, (codes = new Map()));
    let t = codes.get(code);
    if (!t) codes.set(code, (t = new Totals(api, operation, String(code))));
    t.requests++;
    t.received += received;
    t.sent += sent;
    t.seconds += seconds;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    t.buckets[bucket]!++;
  }

  private *all(): Iterable<Totals> {
    for (const operations of this.series.values()) for (const codes of operations.values()) yield* codes.values();
  }
}

/**
 * berth_http_request_duration_seconds by api, operation and status class, as prom-client's
 * registry renders a histogram (the object shape its own Histogram.get() returns).
 */
function durationHistogram(totals: () => Iterable<Totals>) {
  const name = 'berth_http_request_duration_seconds';
  return {
    name,
    help: "Time from a request's arrival to its response's last byte, by API, operation and status class.",
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const classes = new Map<string, { labels: Record<string, string>; buckets: number[]; seconds: number; count: number }>();
      for (const t of totals()) {
        const labels = { api: t.api, operation: t.operation, status_class: `${t.code[0]}xx` };
        const key = `${labels.api} ${labels.operation} ${labels.status_class}`;
        let c = classes.get(key);
        if (!c) {
          c = { labels, buckets: new Array<number>(t.buckets.length).fill(0), seconds: 0, count: 0 };
          classes.set(key, c);
        }
        t.buckets.forEach((n, i) => (c!.buckets[i]! += n));
        c.seconds += t.seconds;
        c.count += t.requests;
      }
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const c of classes.values()) {
        let cumulative = 0;
        c.buckets.forEach((n, i) => {
          cumulative += n;
          values.push({ metricName: `${name}_bucket`, labels: { ...c.labels, le: i < DURATION_BUCKETS.length ? DURATION_BUCKETS[i]! : '+Inf' }, value: cumulative });
        });
        values.push({ metricName: `${name}_sum`, labels: c.labels, value: c.seconds });
        values.push({ metricName: `${name}_count`, labels: c.labels, value: c.count });
      }
      return { name, help: this.help, type: this.type, aggregator: this.aggregator, values };
    },
  };
}
