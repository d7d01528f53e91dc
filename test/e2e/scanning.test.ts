/**
 * Vulnerability scanning with real clients against `berth serve`: `berth vulndb import` (the CLI
 * binary, beside the running server), images pushed with skopeo, scan on push, findings read with
 * @aws-sdk/client-ecr.
 *
 * Two images:
 * - One built here from the fixtures' real minbase dpkg database (test/fixtures/vulndb/debian-bookworm),
 *   whose findings must equal expected.json exactly.
 * - A real Debian bookworm root filesystem made by `debootstrap --variant=minbase bookworm` from
 *   deb.debian.org (reachable from this machine and from CI, which share network rules). What it
 *   installs follows the archive, so its expected findings cannot be a fixed list: the test derives
 *   them independently, comparing every installed package's source version with each advisory's
 *   fixed version using the real `dpkg --compare-versions`, and asserts the scan reports exactly
 *   those. While bookworm's point release is 12.15 its dpkg database is byte-identical to the
 *   fixture's minbase tree, and the test then also asserts expected.json's list.
 * The debootstrap tree is cached for the day under the system temp directory (archive contents
 * change slowly; a day-old tree is as real as a fresh one). debootstrap needs root and the mirror:
 * without them the test is skipped (a failure under CI=true, like every missing client).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  type ECRClient as EcrClientType,
  ECRClient,
  type ImageScanFinding,
  ScanNotFoundException,
  paginateDescribeImageScanFindings,
} from '@aws-sdk/client-ecr';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { BERTH_BIN, REPO_ROOT } from '../support/paths.js';
import { removeDir, tempDir } from '../support/temp.js';
import { sha256 } from '../support/digest.js';
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST } from '../support/media-types.js';
import { manifestDocument } from '../support/oci.js';
import { run, runCommand } from './harness/run.js';
import { SkopeoCli } from './harness/skopeo-cli.js';
import { findTool, requireCondition, requireTool } from './harness/tools.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/vulndb/debian-bookworm');
const MIRROR = 'http://deb.debian.org/debian';

interface Expected {
  binaryPackage: string;
  installedVersion: string;
  fixedVersion: string;
  cveId: string;
}

const expectedJson = JSON.parse(await readFile(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected[]>;
const key = (e: Expected) => `${e.binaryPackage} ${e.installedVersion} ${e.cveId} fixed in ${e.fixedVersion}`;

describe('scanning with real clients', () => {
  let work: string;
  let server: BerthServer;
  let skopeo: SkopeoCli;
  let ecr: EcrClientType;
  /** Why the debootstrap image could not be made, when it could not. */
  let debootstrapUnavailable = '';
  let debootstrapTree = '';

  beforeAll(async () => {
    if (!findTool('skopeo')) return;
    work = await tempDir('e2e-scanning');
    skopeo = await SkopeoCli.create(work);
    server = await startBerth({ dataDir: join(work, 'data') });
    // auth.mode none: ECR calls act as the default account's root whatever the signature.
    ecr = new ECRClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAE2ESCANNING00000', secretAccessKey: 'unused' }, maxAttempts: 1 });
    const imported = await run(process.execPath, [BERTH_BIN, 'vulndb', 'import', join(FIXTURES, 'osv'), '--data', server.dataDir, '--json'], { cwd: REPO_ROOT });
    expect(JSON.parse(imported)).toMatchObject({ records: 82, changed: true });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'e2e/debian', imageScanningConfiguration: { scanOnPush: true } }));
    try {
      debootstrapTree = await debootstrapBookworm();
    } catch (err) {
      debootstrapUnavailable = (err as Error).message;
    }
  });

  afterAll(async () => {
    ecr?.destroy();
    await server?.stop();
    await removeDir(work);
  });

  test('an image built from the fixture minbase tree: exactly expected.json', async (ctx) => {
    requireTool(ctx, 'skopeo');
    const layout = join(work, 'fixture-layout');
    const tree = join(work, 'fixture-tree');
    await mkdir(join(tree, 'var/lib/dpkg'), { recursive: true });
    await mkdir(join(tree, 'usr/lib'), { recursive: true });
    await mkdir(join(tree, 'etc'), { recursive: true });
    await copyFile(join(FIXTURES, 'installed/minbase.status'), join(tree, 'var/lib/dpkg/status'));
    await copyFile(join(FIXTURES, 'installed/minbase.os-release'), join(tree, 'usr/lib/os-release'));
    await copyFile(join(FIXTURES, 'installed/minbase.debian_version'), join(tree, 'etc/debian_version'));
    await symlink('../usr/lib/os-release', join(tree, 'etc/os-release'));
    await writeOciLayout(tree, layout, 'minbase');
    await skopeo.run(['copy', '--dest-tls-verify=false', `oci:${layout}:minbase`, `docker://${server.address}/e2e/debian:fixture-minbase`]);

    const findings = await scanFindings(ecr, 'fixture-minbase');
    expect(findings.map(asExpected).map(key).sort()).toEqual(expectedJson.minbase!.map(key).sort());
  });

  test('a debootstrap bookworm minbase image: exactly the findings dpkg itself implies', async (ctx) => {
    requireTool(ctx, 'skopeo', 'debootstrap', 'dpkg');
    requireCondition(ctx, debootstrapUnavailable === '', `debootstrap image unavailable: ${debootstrapUnavailable}`);
    const layout = join(work, 'debootstrap-layout');
    await writeOciLayout(debootstrapTree, layout, 'bookworm');
    await skopeo.run(['copy', '--dest-tls-verify=false', `oci:${layout}:bookworm`, `docker://${server.address}/e2e/debian:bookworm`]);

    const status = await readFile(join(debootstrapTree, 'var/lib/dpkg/status'), 'utf8');
    const oracle = dpkgOracle(status, join(FIXTURES, 'osv'));
    const findings = await scanFindings(ecr, 'bookworm');
    expect(findings.map(asExpected).map(key).sort()).toEqual(oracle.map(key).sort());
    if (status === (await readFile(join(FIXTURES, 'installed/minbase.status'), 'utf8'))) {
      // Bookworm is still at the point release the fixtures were derived from.
      expect(oracle.map(key).sort()).toEqual(expectedJson.minbase!.map(key).sort());
    } else {
      ctx.annotate?.('bookworm moved past the fixtures\' point release; checked against dpkg only');
    }
  });
});

const attr = (f: ImageScanFinding, k: string) => f.attributes?.find((a) => a.key === k)?.value;
const asExpected = (f: ImageScanFinding): Expected => ({
  binaryPackage: attr(f, 'package_name')!,
  installedVersion: attr(f, 'package_version')!,
  fixedVersion: attr(f, 'fixed_in_version')!,
  cveId: f.name!,
});

/** Waits for the scan on push of e2e/debian:<tag> and returns every finding (paginated). */
async function scanFindings(ecr: EcrClientType, tag: string): Promise<ImageScanFinding[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const out = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'e2e/debian', imageId: { imageTag: tag } })).catch((err: unknown) => {
      if (err instanceof ScanNotFoundException) return undefined;
      throw err;
    });
    if (out && out.imageScanStatus?.status !== 'IN_PROGRESS') {
      expect(out.imageScanStatus).toEqual({ status: 'COMPLETE', description: 'The scan was completed successfully.' });
      break;
    }
    if (Date.now() > deadline) throw new Error(`the scan of e2e/debian:${tag} did not complete within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const findings: ImageScanFinding[] = [];
  for await (const page of paginateDescribeImageScanFindings({ client: ecr, pageSize: 7 }, { repositoryName: 'e2e/debian', imageId: { imageTag: tag } })) {
    findings.push(...(page.imageScanFindings?.findings ?? []));
  }
  return findings;
}

/**
 * A bookworm minbase tree from the Debian mirror, made once per day and kept under the temp dir.
 * Throws with the reason when it cannot be made here (not root, mirror unreachable).
 */
async function debootstrapBookworm(): Promise<string> {
  if (!findTool('debootstrap')) throw new Error('debootstrap not found on PATH');
  if (process.getuid?.() !== 0) throw new Error('debootstrap needs root');
  const day = new Date().toISOString().slice(0, 10);
  const cache = join(tmpdir(), 'berth-e2e-cache');
  const tree = join(cache, `bookworm-minbase-${day}`);
  if (existsSync(join(tree, 'var/lib/dpkg/status'))) return tree;
  const reachable = await runCommand('curl', ['-fsSI', '--max-time', '15', `${MIRROR}/dists/bookworm/Release`], { timeoutMs: 20_000 }).catch(() => undefined);
  if (reachable?.code !== 0) throw new Error(`${MIRROR} is not reachable`);
  await mkdir(cache, { recursive: true });
  for (const old of await readdir(cache)) if (old.startsWith('bookworm-minbase-')) await rm(join(cache, old), { recursive: true, force: true });
  const building = `${tree}.partial`;
  const result = await runCommand('debootstrap', ['--variant=minbase', 'bookworm', building, MIRROR], { timeoutMs: 900_000 });
  if (result.code !== 0) {
    await rm(building, { recursive: true, force: true });
    throw new Error(`debootstrap failed (${result.code}): ${result.stderr.slice(-2000)}`);
  }
  await rename(building, tree);
  return tree;
}

/** An OCI image layout with one gzip layer holding `tree`, tagged `tag`. */
async function writeOciLayout(tree: string, layout: string, tag: string): Promise<void> {
  const blobs = join(layout, 'blobs/sha256');
  await mkdir(blobs, { recursive: true });
  const layerPath = join(layout, 'layer.tar.gz');
  await run('tar', ['--numeric-owner', '-C', tree, '-czf', layerPath, '.'], { timeoutMs: 300_000 });
  const layerDigest = await sha256File(layerPath);
  const diffId = await sha256File(layerPath, true);
  await rename(layerPath, join(blobs, layerDigest.slice(7)));
  const put = async (data: string) => {
    const digest = sha256(data);
    await writeFile(join(blobs, digest.slice(7)), data);
    return { digest, size: Buffer.byteLength(data) };
  };
  const config = await put(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] }, config: {} }));
  const layerSize = (await stat(join(blobs, layerDigest.slice(7)))).size;
  const manifest = await put(
    JSON.stringify(manifestDocument({ config: { mediaType: OCI_CONFIG, ...config }, layers: [{ mediaType: OCI_LAYER, digest: layerDigest, size: layerSize }] })),
  );
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: OCI_MANIFEST, ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
}

async function sha256File(path: string, gunzip = false): Promise<string> {
  const hash = createHash('sha256');
  const source = createReadStream(path);
  if (gunzip) await pipeline(source, createGunzip(), hash);
  else await pipeline(source, hash);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The findings a correct scanner must report for a dpkg status file against the fixture advisories,
 * decided by dpkg itself: a binary package is affected when its source package (Source:, else its
 * own name) at its source version (Source: name (version), else its version) is `lt` an advisory's
 * fixed version for that source.
 */
function dpkgOracle(status: string, osvDir: string): Expected[] {
  const advisories: { source: string; fixed: string; cveId: string }[] = [];
  for (const file of readdirSync(osvDir)) {
    const record = JSON.parse(readFileSync(join(osvDir, file), 'utf8')) as {
      aliases?: string[];
      affected: { package: { ecosystem: string; name: string }; ranges: { events: { fixed?: string }[] }[] }[];
    };
    for (const affected of record.affected) {
      const fixed = affected.ranges.flatMap((r) => r.events).find((e) => e.fixed)?.fixed;
      if (affected.package.ecosystem === 'Debian:12' && fixed) advisories.push({ source: affected.package.name, fixed, cveId: record.aliases![0]! });
    }
  }
  const expected: Expected[] = [];
  for (const stanza of status.split(/\n\n+/)) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1];
    const name = field('Package');
    const version = field('Version');
    if (!name || !version || !/install ok installed/.test(field('Status') ?? '')) continue;
    const source = /^(\S+)(?: \((.+)\))?$/.exec(field('Source') ?? name)!;
    const sourceName = source[1]!;
    const sourceVersion = source[2] ?? version;
    for (const advisory of advisories.filter((a) => a.source === sourceName)) {
      // spawnSync with stdin ignored: dpkg exits before a piped stdin could be closed.
      const lt = spawnSync('dpkg', ['--compare-versions', sourceVersion, 'lt', advisory.fixed], { stdio: 'ignore' });
      if (lt.status === 0) expected.push({ binaryPackage: name, installedVersion: version, fixedVersion: advisory.fixed, cveId: advisory.cveId });
    }
  }
  return expected;
}
