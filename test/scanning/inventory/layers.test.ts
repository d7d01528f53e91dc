import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';
import { nativeZstdAvailable, zstdDecompress } from '../../../src/scanning/layers/zstd.js';
import { OCI_LAYER } from '../../support/media-types.js';
import { fakeGoBinary } from '../helpers/gobuild.js';
import { bufferLayer, gzipLayer, tarOf } from '../helpers/layers.js';
import { fixturePath } from '../helpers/vulndb.js';

const pkgJson = (name: string, version: string) => JSON.stringify({ name, version });
const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\nArchitecture: amd64\n`;
const names = (inv: { packages: { type: string; name: string; version: string }[] }) => inv.packages.map((p) => `${p.type}:${p.name}@${p.version}`);

describe('layer merging', () => {
  it('applies whiteouts, opaque directories and overwrites across layers', async () => {
    const base = await gzipLayer([
      { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
      { name: 'var/lib/dpkg/status', content: [stanza('curl', '7.88.1-10'), stanza('wget', '1.21.3-1')].join('\n') },
      { name: 'usr/lib/python3/site-packages/foo-1.0.dist-info/METADATA', content: 'Name: foo\nVersion: 1.0\n' },
      { name: 'usr/lib/python3/site-packages/bar-2.0.dist-info/METADATA', content: 'Name: bar\nVersion: 2.0\n' },
      { name: 'opt/app/node_modules/x/package.json', content: pkgJson('x', '1.0.0') },
      { name: 'opt/app/node_modules/y/package.json', content: pkgJson('y', '1.0.0') },
      { name: 'usr/local/bin/tool', content: fakeGoBinary('go1.21.0', 'path\tex.com/tool\n'), mode: 0o755 },
    ]);
    const upper = await gzipLayer([
      // The whiteout removes the whole dist-info directory of the lower layer.
      { name: 'usr/lib/python3/site-packages/.wh.foo-1.0.dist-info', content: '' },
      // Opaque: nothing of the lower opt/app survives, but this layer's own entries do.
      { name: 'opt/app/.wh..wh..opq', content: '' },
      { name: 'opt/app/node_modules/z/package.json', content: pkgJson('z', '3.0.0') },
      // Overwrites: dpkg status rewritten (wget removed), the Go binary replaced by a script.
      { name: 'var/lib/dpkg/status', content: stanza('curl', '7.88.1-10+deb12u5') },
      { name: 'usr/local/bin/tool', content: `#!/bin/sh\n${'exit 0\n'.repeat(300)}`, mode: 0o755 },
    ]);
    const inventory = await scanLayers([base, upper]);
    expect(names(inventory)).toEqual(['deb:curl@7.88.1-10+deb12u5', 'npm:z@3.0.0', 'pypi:bar@2.0']);
    expect(inventory.packages[0]!.locations).toEqual([{ path: 'var/lib/dpkg/status', layerDigest: upper.digest }]);
    expect(inventory.packages[2]!.locations).toEqual([{ path: 'usr/lib/python3/site-packages/bar-2.0.dist-info/METADATA', layerDigest: base.digest }]);

    // Without the upper layer everything of the base is there.
    expect(names(await scanLayers([base]))).toEqual([
      'deb:curl@7.88.1-10',
      'deb:wget@1.21.3-1',
      'golang:stdlib@v1.21.0',
      'npm:x@1.0.0',
      'npm:y@1.0.0',
      'pypi:bar@2.0',
      'pypi:foo@1.0',
    ]);
  });

  it('whites out a whole package database directory', async () => {
    const base = await gzipLayer([{ name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.3-r0\no:musl\n\n' }]);
    const upper = await gzipLayer([{ name: 'lib/apk/.wh.db', content: '' }]);
    expect((await scanLayers([base, upper])).packages).toEqual([]);
  });

  it('follows an os-release symlink and reads distroless status.d', async () => {
    const layer = await gzipLayer([
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', content: 'PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"\nID_LIKE="debian"\n' },
      { name: 'var/lib/dpkg/status.d/libssl3', content: 'Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n' },
      { name: 'var/lib/dpkg/status.d/libssl3.md5sums', content: '0123456789abcdef0123456789abcdef  usr/lib/x86_64-linux-gnu/libssl.so.3\n' },
      { name: 'var/lib/dpkg/status.d/tzdata', content: 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n' },
    ]);
    const inventory = await scanLayers([layer]);
    expect(inventory.os).toEqual({ id: 'debian', versionId: '12', prettyName: 'Distroless', idLike: ['debian'] });
    expect(inventory.packages.map((p) => [p.name, p.version, p.source])).toEqual([
      ['libssl3', '3.0.15-1~deb12u1', { name: 'openssl', version: '3.0.15-1~deb12u1' }],
      ['tzdata', '2024a-0+deb12u1', { name: 'tzdata', version: '2024a-0+deb12u1' }],
    ]);
  });

  it('skips dpkg packages whose files are gone (config-files) and keeps hard-linked manifests', async () => {
    const layer = await gzipLayer([
      { name: 'var/lib/dpkg/status', content: [stanza('a', '1'), 'Package: b\nStatus: deinstall ok config-files\nVersion: 2\n'].join('\n') },
      { name: 'srv/node_modules/q/package.json', content: pkgJson('q', '1.5.1') },
      { name: 'srv2/node_modules/q/package.json', type: 'link', linkname: 'srv/node_modules/q/package.json' },
    ]);
    const inventory = await scanLayers([layer]);
    expect(names(inventory)).toEqual(['deb:a@1', 'npm:q@1.5.1']);
    expect(inventory.packages[1]!.locations.map((l) => l.path)).toEqual(['srv/node_modules/q/package.json', 'srv2/node_modules/q/package.json']);
  });

  it('sniffs compression instead of trusting the media type', async () => {
    const plain = await tarOf([{ name: 'lib/apk/db/installed', content: 'P:zlib\nV:1.2.11-r1\no:zlib\n\n' }]);
    const mislabeled = bufferLayer(plain, OCI_LAYER);
    expect(names(await scanLayers([mislabeled]))).toEqual(['apk:zlib@1.2.11-r1']);
  });

  it('reads zstd layers', async () => {
    const zst = readFileSync(fixturePath('images/zstd/alpine-3.7.3-apkdb.tar.zst'));
    const inventory = await scanLayers([bufferLayer(zst, 'application/vnd.oci.image.layer.v1.tar+zstd')]);
    expect(inventory.os).toMatchObject({ id: 'alpine', versionId: '3.7.3' });
    expect(inventory.packages.find((p) => p.name === 'musl')?.version).toBe('1.1.18-r3');
  });

  it('decodes zstd with fzstd when Node has no native decoder, and notices truncation', async () => {
    const zst = readFileSync(fixturePath('images/zstd/alpine-3.7.3-apkdb.tar.zst'));
    const decode = async (bytes: Buffer, native: boolean): Promise<Buffer> => {
      const out: Buffer[] = [];
      for await (const c of zstdDecompress((async function* () { yield bytes; })(), native).stream) out.push(c);
      return Buffer.concat(out);
    };
    const viaFzstd = await decode(zst, false);
    expect(viaFzstd.length).toBe(20480);
    if (nativeZstdAvailable()) expect((await decode(zst, true)).equals(viaFzstd)).toBe(true);
    await expect(decode(zst.subarray(0, zst.length - 50), false)).rejects.toThrow(/unexpected EOF/);
    const truncated = bufferLayer(zst.subarray(0, zst.length - 50), 'application/vnd.oci.image.layer.v1.tar+zstd');
    await expect(scanLayers([truncated])).rejects.toMatchObject({ reason: 'compression-invalid', message: expect.stringMatching(/zstd stream is truncated/) });
  });

  it('warns about files it must read whole that are over the read limit, instead of reading them', async () => {
    const lock = JSON.stringify({ packages: { 'node_modules/a': { version: '1.0.0' } }, padding: 'X'.repeat(3000) });
    const layer = await gzipLayer([{ name: 'app/package-lock.json', content: lock }]);
    const inventory = await scanLayers([layer], { limits: { maxFileReadBytes: 1024 } });
    expect(inventory.packages).toEqual([]);
    expect(inventory.warnings).toEqual([expect.stringMatching(/^app\/package-lock\.json is [\d.]+ KiB, over the 1 KiB read limit; not inventoried$/)]);
  });

  it('reads package databases line by line, whatever their size, and skips a broken line', async () => {
    const description = `Description: big\n${' more text\n'.repeat(200_000)}`;
    const layer = await gzipLayer([
      { name: 'var/lib/dpkg/status', content: `${stanza('a', '1')}${description}\n${stanza('b', '2')}` },
      { name: 'lib/apk/db/installed', content: `P:x\nV:1-r0\nR:${'y'.repeat(2 * 1024 * 1024)}\n\n` },
    ]);
    const inventory = await scanLayers([layer], { limits: { maxFileReadBytes: 1024 } });
    expect(inventory.packages.map((p) => p.name)).toEqual(['a', 'b']);
    expect(inventory.warnings).toEqual(['lib/apk/db/installed has a line longer than 1048576 bytes; not inventoried']);
  });

  it('honours an abort signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(scanLayers([await gzipLayer([{ name: 'a', content: 'b' }])], { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
