/**
 * A private single-node Ceph cluster with an S3 gateway, for tests that need a real S3 server:
 * one monitor, one OSD on memstore (objects in RAM), no manager, authentication off, and radosgw
 * serving S3 on 127.0.0.1, all in a temp directory. Ready in ~15 s; ~150 MB idle.
 *
 * Debian packages: radosgw ceph-mon ceph-osd ceph-common. Runs as root (as CI does).
 *
 * Settings it could not do without (found the hard way):
 * - radosgw's built-in defaults force cephx and the secure monitor mode: its section needs
 *   `auth client required = none` and `ms mon client mode = crc`, or it hangs on
 *   "get_initial_auth_request returned -13";
 * - without `mon cluster log file` the monitor writes to /var/log/ceph;
 * - OSDs take ports 6800–7300 unless `ms bind port min/max` says otherwise;
 * - RGW creates its pools at first start: small `osd pool default pg num` and a raised
 *   `mon max pg per osd`, or it stalls below the placement-group limit.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Daemon, type Running, freePortRange, launchEngine, missingBinaries, startDaemon, waitUntil } from './daemons.js';

const run = promisify(execFile);

export const CEPH_RGW_BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'monmaptool'];

export interface CephRgwEndpoint {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type CephRgw = Running<CephRgwEndpoint>;

export interface CephRgwOptions {
  /** How long the whole start may take. */
  timeoutMs?: number;
  /** RAM the memstore OSD may use for objects. */
  memstoreBytes?: number;
}

/** Why Ceph RGW cannot be started here (missing binaries), or undefined when it can. */
export function cephRgwUnavailable(): string | undefined {
  const missing = missingBinaries(CEPH_RGW_BINARIES);
  if (missing.length > 0) return `${missing.join(', ')} not found on PATH (Debian packages radosgw ceph-mon ceph-osd ceph-common, see .ci/run)`;
  return undefined;
}

export async function startCephRgw(options: CephRgwOptions = {}): Promise<CephRgw> {
  const unavailable = cephRgwUnavailable();
  if (unavailable) throw new Error(`cannot start Ceph RGW: ${unavailable}`);
  return launchEngine('ceph-rgw', (dir, daemons) => start(dir, daemons, options));
}

async function start(dir: string, daemons: Daemon[], options: CephRgwOptions): Promise<CephRgwEndpoint> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const remaining = () => Math.max(1000, deadline - Date.now());
  // mon, rgw, then 8 ports for the OSD's messengers.
  const base = await freePortRange(10);
  const monPort = base;
  const rgwPort = base + 1;
  const fsid = randomUUID();
  const conf = join(dir, 'ceph.conf');
  for (const sub of ['run', 'log', 'mon.a', 'osd.0']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(conf, cephConf({ dir, fsid, monPort, rgwPort, osdPorts: [base + 2, base + 9], memstoreBytes: options.memstoreBytes }));
  const ceph = (args: string[]) => run('ceph', ['-c', conf, '--connect-timeout', '5', ...args], { timeout: 30_000 });

  await run('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, join(dir, 'monmap')]);
  await run('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap'), '-c', conf, '--keyring', '/dev/null']);
  daemons.push(await startDaemon(dir, 'mon', 'ceph-mon', ['-f', '-i', 'a', '-c', conf]));
  await waitUntil('the Ceph monitor', async () => (await ceph(['mon', 'stat']), true), { dir, daemons, timeoutMs: remaining() });

  const osdUuid = randomUUID();
  const id = (await ceph(['osd', 'new', osdUuid])).stdout.trim();
  await run('ceph-osd', ['-c', conf, '-i', id, '--mkfs', '--osd-uuid', osdUuid, '--no-mon-config'], { timeout: 60_000 });
  daemons.push(await startDaemon(dir, 'osd', 'ceph-osd', ['-f', '-c', conf, '-i', id]));
  await waitUntil('the Ceph OSD', async () => new RegExp(`^osd\\.${id} up`, 'm').test((await ceph(['osd', 'dump'])).stdout), {
    dir,
    daemons,
    timeoutMs: remaining(),
  });

  daemons.push(await startDaemon(dir, 'rgw', 'radosgw', ['-f', '-c', conf, '-n', 'client.rgw.a']));
  const endpoint = `http://127.0.0.1:${rgwPort}`;
  await waitUntil('radosgw', async () => (await fetch(endpoint, { signal: AbortSignal.timeout(2000) })).status < 500, {
    dir,
    daemons,
    timeoutMs: remaining(),
  });

  const accessKeyId = 'BERTHTEST' + randomUUID().replaceAll('-', '').slice(0, 11).toUpperCase();
  const secretAccessKey = randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '').slice(0, 8);
  await run(
    'radosgw-admin',
    ['-c', conf, '-n', 'client.rgw.a', 'user', 'create', '--uid=berth', '--display-name=berth', `--access-key=${accessKeyId}`, `--secret-key=${secretAccessKey}`],
    { timeout: 60_000 },
  );
  return { endpoint, region: 'us-east-1', accessKeyId, secretAccessKey };
}

function cephConf(o: { dir: string; fsid: string; monPort: number; rgwPort: number; osdPorts: [number, number]; memstoreBytes?: number }): string {
  return `[global]
fsid = ${o.fsid}
mon host = v2:127.0.0.1:${o.monPort}
mon initial members = a
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
ms bind msgr1 = false
ms bind ipv6 = false
ms bind port min = ${o.osdPorts[0]}
ms bind port max = ${o.osdPorts[1]}
run dir = ${o.dir}/run
admin socket = ${o.dir}/run/$name.$pid.asok
mon cluster log file = default=${o.dir}/log/ceph.$channel.log cluster=${o.dir}/log/ceph.log
log file = ${o.dir}/log/$name.log
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd crush chassis type = 0
osd crush update on start = true
osd objectstore = memstore
osd data = ${o.dir}/osd.0
memstore device bytes = ${o.memstoreBytes ?? 8 * 1024 ** 3}
osd memory target = 1073741824
osd class dir = /usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/rados-classes
mon data = ${o.dir}/mon.a
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:${o.rgwPort}
rgw dns name = 127.0.0.1
rgw data = ${o.dir}/rgw
keyring = /dev/null
auth client required = none
ms mon client mode = crc
# Deleted objects' data goes soon, so memstore's RAM is given back during a test run.
rgw gc obj min wait = 30
rgw gc processor period = 30
rgw enable usage log = false
`;
}
