/**
 * A synthetic Debian bookworm image layer shaped like a real root filesystem, built from the
 * fixtures: the real dpkg status, os-release and debian_version of the fixtures' minbase tree
 * (88 packages; with the fixture advisories, exactly 16 findings), each package's dpkg info files
 * and docs, and bulk content of a real tree's shape — executables and shared libraries (ELF
 * headers, executable modes, so the scanner's pass over executables for Go build info runs over
 * them) and thousands of small data files. Content is deterministic pseudo-random bytes mixed with
 * text, so the layer compresses about as well as a real one (~60 %).
 *
 * Why synthetic: a debootstrap tree takes minutes and the network, and changes with the archive;
 * this one is the same on every run. `bench/suites/scan.ts` also measures a real debootstrap tree
 * when one is at hand.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { REPO_ROOT } from '../../lib/paths.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/vulndb/debian-bookworm/installed');

export interface SyntheticLayer {
  path: string;
  digest: string;
  /** sha256 of the uncompressed tar (the config's diff_id). */
  diffId: string;
  compressedBytes: number;
  uncompressedBytes: number;
  files: number;
}

/** Deterministic bytes: xorshift32, cheap enough to make hundreds of MB in about a second. */
class Bytes {
  private state = 0x9e3779b9;

  random(n: number): Buffer {
    const out = Buffer.allocUnsafe(n + 3);
    for (let i = 0; i < n; i += 4) {
      let x = this.state;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.state = x >>> 0;
      out.writeUInt32LE(this.state, i);
    }
    return out.subarray(0, n);
  }

  /** `n` bytes, about `randomShare` of them incompressible, the rest repetitive text. */
  content(n: number, randomShare: number, head?: Buffer): Buffer {
    const parts: Buffer[] = head ? [head] : [];
    let size = head?.length ?? 0;
    const text = Buffer.from('GNU C Library (Debian GLIBC 2.36-9+deb12u10) stable release version 2.36.\n');
    while (size < n) {
      const chunk = Math.min(4096, n - size);
      const part = (size / 4096) % 10 < randomShare * 10 ? this.random(chunk) : Buffer.alloc(chunk, text);
      parts.push(part);
      size += chunk;
    }
    return Buffer.concat(parts).subarray(0, n);
  }

  /** A size between min and max, skewed small (as file sizes are). */
  size(min: number, max: number): number {
    const u = this.random(4).readUInt32LE(0) / 0x1_0000_0000;
    return Math.floor(min + (max - min) * u * u * u);
  }
}

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]);

/** Writes the layer (gzip, level 6 as docker and skopeo use by default) and returns its digests. `scale` 1 ≈ 190 MB uncompressed. */
export async function writeSyntheticLayer(path: string, scale = 1): Promise<SyntheticLayer> {
  const pack = tar.pack();
  const bytes = new Bytes();
  const compressed = createHash('sha256');
  const uncompressed = createHash('sha256');
  let compressedBytes = 0;
  let uncompressedBytes = 0;
  let files = 0;
  const tap = (hash: ReturnType<typeof createHash>, count: (n: number) => void) =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        count(chunk.length);
        done(null, chunk);
      },
    });
  const written = pipeline(
    pack,
    tap(uncompressed, (n) => (uncompressedBytes += n)),
    createGzip({ level: 6 }),
    tap(compressed, (n) => (compressedBytes += n)),
    createWriteStream(path),
  );

  const add = (name: string, content: Buffer | string, mode = 0o644) =>
    new Promise<void>((resolve, reject) => {
      files++;
      pack.entry({ name, mode, mtime: new Date(0) }, content, (err) => (err ? reject(err) : resolve()));
    });
  const dir = (name: string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, type: 'directory', mode: 0o755, mtime: new Date(0) }, (err) => (err ? reject(err) : resolve())));

  await dir('etc/');
  await new Promise<void>((resolve, reject) =>
    pack.entry({ name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release', mtime: new Date(0) }, (err) => (err ? reject(err) : resolve())),
  );
  await add('etc/debian_version', readFileSync(join(FIXTURES, 'minbase.debian_version')));
  await add('usr/lib/os-release', readFileSync(join(FIXTURES, 'minbase.os-release')));
  const status = readFileSync(join(FIXTURES, 'minbase.status'), 'utf8');
  await add('var/lib/dpkg/status', status);

  const packages = [...status.matchAll(/^Package: (.+)$/gm)].map((m) => m[1]!);
  for (const pkg of packages) {
    await add(`var/lib/dpkg/info/${pkg}.list`, Array.from({ length: 40 }, (_, i) => `/usr/share/doc/${pkg}/file-${i}`).join('\n'));
    await add(`var/lib/dpkg/info/${pkg}.md5sums`, Array.from({ length: 40 }, (_, i) => `${bytes.random(16).toString('hex')}  usr/share/doc/${pkg}/file-${i}`).join('\n'));
    await add(`usr/share/doc/${pkg}/copyright`, bytes.content(bytes.size(1_000, 30_000), 0.1));
    await add(`usr/share/doc/${pkg}/changelog.Debian.gz`, bytes.random(bytes.size(500, 40_000)));
  }
  // Executables and libraries: ~70 % of a real tree's bytes.
  for (let i = 0; i < Math.round(180 * scale); i++) await add(`usr/bin/tool-${i}`, bytes.content(bytes.size(15_000, 1_400_000), 0.6, ELF), 0o755);
  for (let i = 0; i < Math.round(115 * scale); i++) {
    await add(`usr/lib/x86_64-linux-gnu/libsynthetic${i}.so.1`, bytes.content(bytes.size(20_000, 2_600_000), 0.65, ELF), 0o644);
  }
  // Small data files: perl modules, locale data, zoneinfo, terminfo.
  for (let i = 0; i < Math.round(4200 * scale); i++) {
    await add(`usr/share/data/${i % 60}/file-${i}`, bytes.content(bytes.size(200, 24_000), i % 3 === 0 ? 0.9 : 0.3));
  }
  pack.finalize();
  await written;
  return {
    path,
    digest: `sha256:${compressed.digest('hex')}`,
    diffId: `sha256:${uncompressed.digest('hex')}`,
    compressedBytes,
    uncompressedBytes,
    files,
  };
}
