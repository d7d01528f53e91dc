import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startCephRgw } from '../../../test/engines/ceph-rgw.js';
import { startPostgres } from '../../../test/engines/postgres.js';
import { pidListeningOn, processesWithArg } from './processes.js';

const run = promisify(execFile);

export interface S3Endpoint {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The shared engines of a run: one S3 server (Ceph RGW) and one PostgreSQL, and how to find their processes. */
export interface Engines {
  s3: S3Endpoint;
  /** Where the S3 server came from, for the notes. */
  s3Origin: string;
  postgres: { createDatabase(name: string): Promise<string> };
  /** Server processes per engine, for CPU accounting (PostgreSQL's backends are found as the postmaster's children). */
  pids(): { rgw: number[]; osd: number[]; postgres: number[] };
  /** Frees the RAM of deleted objects now (a private RGW only; see reclaim below). */
  reclaim(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Ceph RGW and PostgreSQL with the test harness's starters (test/engines/): private instances on
 * loopback, stopped at the end. BERTH_TEST_S3_ENDPOINT (+ _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY),
 * as the engine tests read it, points the suite at an S3 server that is already running instead;
 * its processes are found by the port it listens on (only visible to the same user or root).
 */
export async function startEngines(log: (message: string) => void, memstoreBytes: number): Promise<Engines> {
  const given = process.env.BERTH_TEST_S3_ENDPOINT;
  log('starting PostgreSQL');
  const postgres = await startPostgres();
  try {
    if (given) {
      const port = Number(new URL(given).port || 80);
      const rgw = pidListeningOn(port);
      const conf = rgw ? cephConfOf(rgw) : undefined;
      return {
        s3: {
          endpoint: given,
          region: process.env.BERTH_TEST_S3_REGION ?? 'us-east-1',
          accessKeyId: process.env.BERTH_TEST_S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: process.env.BERTH_TEST_S3_SECRET_ACCESS_KEY ?? '',
        },
        s3Origin: `the running S3 server at ${given} (BERTH_TEST_S3_ENDPOINT; shared, so other users' requests may be in the figures)`,
        postgres,
        pids: () => ({
          rgw: rgw ? [rgw] : [],
          osd: conf ? processesWithArg(conf).filter((pid) => commandName(pid) === 'ceph-osd') : [],
          postgres: recordedPids(postgres.dir),
        }),
        // Someone else's S3 server: its garbage collection is its own business.
        reclaim: async () => undefined,
        stop: () => postgres.stop(),
      };
    }
    log('starting a private Ceph RGW (one monitor, one memstore OSD; ~15 s)');
    const rgw = await startCephRgw({ memstoreBytes });
    shareAutogroupNice([...Object.values(readPids(rgw.dir)).flat(), ...recordedPids(postgres.dir)]);
    return {
      s3: rgw,
      s3Origin: 'a private single-node Ceph RGW started by the suite (memstore OSD: objects in RAM)',
      postgres,
      pids: () => {
        const ceph = readPids(rgw.dir);
        return { rgw: ceph.rgw ?? [], osd: ceph.osd ?? [], postgres: recordedPids(postgres.dir) };
      },
      reclaim: () => reclaim(rgw.dir),
      stop: async () => {
        await rgw.stop();
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

/**
 * RGW deletes an object's data later, in garbage collection (after `rgw gc obj min wait`, 30 s in
 * the harness's configuration), and a memstore OSD holds that data in RAM until then. Measuring
 * one deployment after another, GiBs each, filled the OSD faster than that ("1 full osd(s)"), and
 * a full Ceph cluster does not fail writes, it blocks them: the run hung. Running the collection
 * right after each deployment's bucket is deleted keeps the OSD near empty between measurements.
 */
async function reclaim(dir: string): Promise<void> {
  await run('radosgw-admin', ['-c', join(dir, 'ceph.conf'), '-n', 'client.rgw.a', 'gc', 'process', '--include-all'], { timeout: 300_000 });
}

/**
 * The engine starters run each daemon in a session of its own (setsid), so under `--priority` they
 * would keep the default weight while the registries in front of them were raised: give the
 * engines this run started the bench's autogroup nice too, so every component of the measured
 * system is scheduled alike. An S3 server the suite did not start is left alone.
 */
function shareAutogroupNice(pids: readonly number[]): void {
  const nice = /nice (-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'))?.[1];
  if (nice === undefined || nice === '0') return;
  for (const pid of pids) writeFileSync(`/proc/${pid}/autogroup`, nice);
}

/** The pid files test/engines/daemons.ts writes into <run dir>/pids/<name>.pid. */
function readPids(dir: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const file of readdirSync(join(dir, 'pids'))) {
    const pid = Number(readFileSync(join(dir, 'pids', file), 'utf8').trim());
    if (pid > 1) out[file.replace(/\.pid$/, '')] = [pid];
  }
  return out;
}

function recordedPids(dir: string): number[] {
  return Object.values(readPids(dir)).flat();
}

/** The -c <ceph.conf> argument radosgw was started with, so the OSD of the same cluster can be found. */
function cephConfOf(pid: number): string | undefined {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const at = args.indexOf('-c');
  return at >= 0 ? args[at + 1] : undefined;
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
