/**
 * `berth vulndb update` against a loopback HTTP server serving copies of the fixtures as the
 * public feeds would (an OSV export .zip, Alpine secdb JSON, the Debian security tracker JSON),
 * with ETag and Last-Modified: the first update downloads and imports every feed with progress,
 * the second gets 304s and imports nothing, a changed ETag is downloaded and imported again, a
 * failing feed does not stop the others; and `berth serve` runs it as a scheduled job when configured.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runVulnDbStatus, runVulnDbUpdate } from '../../../src/cli/vulndb.js';
import { fixturePath } from '../helpers/vulndb.js';
import { type Berth, eventually, startBerth } from './harness.js';

interface Served {
  body: Buffer;
  type: string;
  etag?: string;
  lastModified?: string;
}

const feeds = new Map<string, Served>([
  ['/osv/Go/all.zip', { body: readFileSync(fixturePath('vulndb/go-vulndb/Go-all.zip')), type: 'application/zip', etag: '"go-1"' }],
  [
    '/alpine/v3.7/main.json',
    {
      body: Buffer.from(JSON.stringify(parseYaml(readFileSync(fixturePath('vulndb/alpine-secdb/v3.7/main.yaml'), 'utf8')))),
      type: 'application/json',
      lastModified: 'Mon, 01 Dec 2025 10:00:00 GMT',
    },
  ],
  ['/debian/tracker/data/json', { body: readFileSync(fixturePath('vulndb/debian-tracker/tracker-sample.json')), type: 'application/json', etag: '"deb-1"' }],
]);
const requests: { path: string; status: number }[] = [];

let server: Server;
let base: string;
let berth: Berth;
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    const served = feeds.get(path);
    let status = 200;
    if (!served) status = 404;
    else if (served.etag && req.headers['if-none-match'] === served.etag) status = 304;
    else if (!served.etag && served.lastModified && req.headers['if-modified-since'] === served.lastModified) status = 304;
    requests.push({ path, status });
    if (status !== 200 || !served) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(200, {
      'content-type': served.type,
      'content-length': served.body.length,
      ...(served.etag && { etag: served.etag }),
      ...(served.lastModified && { 'last-modified': served.lastModified }),
    });
    res.end(served.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  berth = await startBerth({ background: false });
});
afterAll(async () => {
  await berth?.close();
  await new Promise((resolve) => server?.close(resolve));
});

function sources() {
  return [
    { name: 'osv-go', url: `${base}/osv/Go/all.zip` },
    { name: 'alpine-secdb-v3.7-main', url: `${base}/alpine/v3.7/main.json` },
    { name: 'debian-tracker', url: `${base}/debian/tracker/data/json` },
  ];
}

/** The CLI beside the running server, configured (a YAML file) with feeds on the loopback server. */
async function update(extra: { feed?: string[] } = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const config = join(berth.dataDir, 'feeds.yaml');
  writeFileSync(config, `scanning:\n  feeds:\n    sources:\n${sources().map((f) => `      - name: ${f.name}\n        url: ${f.url}\n`).join('')}`);
  const code = await runVulnDbUpdate({ data: berth.dataDir, json: true, config, ...extra }, { stdout: out, stderr: err, env: {} });
  const outcomes = stdout ? (JSON.parse(stdout) as { name: string; status: string; bytes?: number; import?: { records: number; changed: boolean }; error?: string }[]) : [];
  return { code, outcomes, stderr };
}

async function status() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  await runVulnDbStatus({ data: berth.dataDir, json: true }, { stdout: out, stderr: new PassThrough(), env: {} });
  return JSON.parse(text) as { version: number; records: number; sources: { name: string; records: number; lastImportAt: string }[] };
}

describe('berth vulndb update', () => {
  it('downloads and imports every feed, with progress', async () => {
    const first = await update();
    expect(first.code).toBe(0);
    expect(first.outcomes.map((o) => [o.name, o.status])).toEqual([
      ['osv-go', 'imported'],
      ['alpine-secdb-v3.7-main', 'imported'],
      ['debian-tracker', 'imported'],
    ]);
    for (const o of first.outcomes) expect(o.import?.records).toBeGreaterThan(0);
    expect(first.outcomes[0]?.bytes).toBe(feeds.get('/osv/Go/all.zip')!.body.length);
    // Progress: the request, tenths of the download, the import.
    expect(first.stderr).toContain(`osv-go: fetching ${base}/osv/Go/all.zip\n`);
    expect(first.stderr.match(/^osv-go: [\d.]+ MiB of 3\.0 MiB \(\d+%\)$/gm)?.length).toBeGreaterThanOrEqual(5);
    expect(first.stderr).toMatch(/^osv-go: downloaded 3\.0 MiB in [\d.]+ s, importing$/m);
    expect(first.stderr).toMatch(/^debian-tracker: imported \d+ record\(s\), database version \d+$/m);
    const db = await status();
    expect(db.sources.map((s) => s.name).sort()).toEqual(['alpine-secdb-v3.7-main', 'debian-tracker', 'osv-go']);
  });

  it('gets 304s the second time and imports nothing', async () => {
    const before = await status();
    requests.length = 0;
    const second = await update();
    expect(second.code).toBe(0);
    expect(second.outcomes.map((o) => o.status)).toEqual(['not-modified', 'not-modified', 'not-modified']);
    expect(requests.map((r) => r.status)).toEqual([304, 304, 304]);
    expect(second.stderr).toContain('osv-go: fetching');
    expect(second.stderr).toContain('(if changed since the last update)');
    expect(second.stderr).toContain('alpine-secdb-v3.7-main: not modified since the last update');
    expect(await status()).toEqual(before);
  });

  it('downloads and imports a feed again when its ETag changed', async () => {
    feeds.get('/debian/tracker/data/json')!.etag = '"deb-2"';
    const before = await status();
    const third = await update();
    expect(third.outcomes.map((o) => o.status)).toEqual(['not-modified', 'not-modified', 'imported']);
    const after = await status();
    const lastImport = (s: typeof before) => s.sources.find((x) => x.name === 'debian-tracker')!.lastImportAt;
    expect(lastImport(after)).not.toBe(lastImport(before));
    // Same content: imported, nothing changed.
    expect(third.outcomes[2]?.import?.changed).toBe(false);
    expect(after.version).toBe(before.version);
  });

  it('reports a feed that fails and still updates the others', async () => {
    feeds.get('/osv/Go/all.zip')!.etag = '"go-2"';
    const served = feeds.get('/alpine/v3.7/main.json')!;
    feeds.delete('/alpine/v3.7/main.json');
    try {
      const out = await update();
      expect(out.code).toBe(1);
      expect(out.outcomes.map((o) => o.status)).toEqual(['imported', 'failed', 'not-modified']);
      expect(out.outcomes[1]?.error).toBe(`${base}/alpine/v3.7/main.json answered HTTP 404 Not Found`);
      expect(out.stderr).toContain(`alpine-secdb-v3.7-main: failed: ${base}/alpine/v3.7/main.json answered HTTP 404 Not Found`);
    } finally {
      feeds.set('/alpine/v3.7/main.json', served);
    }
  });

  it('runs only the feeds named, and refuses an unknown name', async () => {
    requests.length = 0;
    expect((await update({ feed: ['debian-tracker'] })).outcomes.map((o) => o.name)).toEqual(['debian-tracker']);
    expect(requests.map((r) => r.path)).toEqual(['/debian/tracker/data/json']);
    const unknown = await update({ feed: ['nope'] });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('berth vulndb update: no feed named nope; configured: osv-go, alpine-secdb-v3.7-main, debian-tracker\n');
  });
});

describe('berth serve with scanning.feeds.updateIntervalSeconds', () => {
  it('updates the feeds as a scheduled durable job, the first one soon while the database is empty', async () => {
    const scheduled = await startBerth({
      background: false,
      overrides: { scanning: { feeds: { sources: [{ name: 'osv-go', url: `${base}/osv/Go/all.zip` }], updateIntervalSeconds: 86_400 } } },
    });
    try {
      const startedAt = Date.now();
      await scheduled.app.startBackground();
      const jobs = await scheduled.app.store.jobs.list({ type: 'vulndb.update', limit: 5 });
      const after = (dedupeKey: string) => jobs.find((j) => j.dedupeKey === dedupeKey)!.runAt.getTime() - startedAt;
      // The schedule: every day.
      expect(after('schedule:vulndb-update')).toBeGreaterThanOrEqual(86_399_000);
      // The database is empty, so the first update comes a minute after start, not a day.
      expect(after('vulndb.update')).toBeGreaterThanOrEqual(59_000);
      expect(after('vulndb.update')).toBeLessThan(65_000);
      // A minute later (on the app's clock) it runs.
      scheduled.advance(61_000);
      scheduled.app.jobs.poke();
      const sources = await eventually(async () => {
        const found = (await scheduled.app.store.vulnDb.status()).sources;
        return found.length > 0 ? found : undefined;
      }, 'the scheduled update');
      expect(sources.map((x) => x.name)).toEqual(['osv-go']);
    } finally {
      await scheduled.close();
    }
  });

  it('is off by default', async () => {
    const plain = await startBerth({ background: false });
    try {
      await plain.app.startBackground();
      expect(await plain.app.store.jobs.list({ type: 'vulndb.update', limit: 5 })).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
