import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isScanFailed, type ScanFailureReason } from '../../../src/scanning/errors.js';
import { scanLayers, type LayerSource } from '../../../src/scanning/inventory/scan-layers.js';
import type { ScanLimits } from '../../../src/scanning/layers/limits.js';
import { OCI_LAYER_TAR } from '../../support/media-types.js';
import { bufferLayer, tarOf } from '../helpers/layers.js';
import { rawTar } from '../helpers/raw-tar.js';

async function expectFailure(layers: LayerSource[], reason: ScanFailureReason, message: RegExp, limits?: Partial<ScanLimits>): Promise<void> {
  const err = await scanLayers(layers, limits ? { limits } : {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isScanFailed(err), `expected a ScanFailedError, got ${String(err)}`).toBe(true);
  if (!isScanFailed(err)) return;
  expect(err.reason).toBe(reason);
  expect(err.message).toMatch(message);
  expect(err.code).toBe('ScanFailed');
}

const osRelease = { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.7.3\n' };

describe('hostile and broken layers fail the scan with a specific reason', () => {
  it('truncated gzip', async () => {
    const gz = gzipSync(await tarOf([osRelease, { name: 'usr/share/big', content: Buffer.alloc(200_000, 7) }]));
    const layer = bufferLayer(gz.subarray(0, Math.floor(gz.length * 0.6)));
    await expectFailure([layer], 'compression-invalid', new RegExp(`^layer ${layer.digest}: gzip stream is truncated`));
  });

  it('corrupt gzip', async () => {
    const gz = Buffer.from(gzipSync(await tarOf([osRelease, { name: 'x', content: 'y'.repeat(5000) }])));
    gz.fill(0xff, 20, 60);
    await expectFailure([bufferLayer(gz)], 'compression-invalid', /gzip stream is corrupt/);
  });

  it('decompression bomb (compression ratio)', async () => {
    const bomb = bufferLayer(gzipSync(await tarOf([{ name: 'zeros', content: Buffer.alloc(16 * 1024 * 1024) }])));
    await expectFailure([bomb], 'limit-exceeded', /expands more than 100:1 .* refusing a likely decompression bomb/, {
      ratioCheckAfterBytes: 1024 * 1024,
      maxCompressionRatio: 100,
    });
  });

  it('decompression bomb at the head of a layer read in large chunks (the ratio counts bytes consumed, not read ahead)', async () => {
    // 40 MiB of zeros, then 2 MiB that does not compress: 20:1 over the whole layer, >1000:1 where the zeros are.
    const gz = gzipSync(await tarOf([{ name: 'zeros', content: Buffer.alloc(40 * 1024 * 1024) }, { name: 'noise', content: randomBytes(2 * 1024 * 1024) }]));
    // The whole layer arrives as one chunk, as a read-ahead would have it.
    const layer: LayerSource = { digest: 'sha256:head', mediaType: OCI_LAYER_TAR, open: async () => Readable.from([gz], { objectMode: false }) };
    await expectFailure([layer], 'limit-exceeded', /^layer sha256:head expands more than 100:1 \(1(\.\d)? MiB from \d+(\.\d)? KiB\)/, {
      ratioCheckAfterBytes: 1024 * 1024,
      maxCompressionRatio: 100,
    });
  });

  it('decompression bomb (total size)', async () => {
    const big = bufferLayer(gzipSync(await tarOf([{ name: 'zeros', content: Buffer.alloc(8 * 1024 * 1024) }])));
    await expectFailure([big], 'limit-exceeded', /image expands to more than 4 MiB of tar data/, { maxUncompressedBytes: 4 * 1024 * 1024 });
  });

  it('tar bomb (entry count)', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({ name: `d/f${i}`, content: '' }));
    await expectFailure([bufferLayer(gzipSync(await tarOf(many)))], 'limit-exceeded', /more than 1000 tar entries/, { maxEntries: 1000 });
  });

  it('huge pax header', async () => {
    const tar = rawTar([{ name: 'PaxHeader/x', typeflag: 'x', content: Buffer.alloc(2 * 1024 * 1024, 'a') }, { name: 'x', content: 'hi' }]);
    await expectFailure([bufferLayer(tar)], 'limit-exceeded', /extended header of 2097152 bytes .* exceeds the 1048576-byte limit/);
  });

  it('absolute path', async () => {
    await expectFailure([bufferLayer(rawTar([{ name: '/etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' }]))], 'entry-hostile', /entry '\/etc\/passwd' has an absolute path/);
  });

  it("'..' path", async () => {
    await expectFailure([bufferLayer(gzipSync(rawTar([{ name: 'usr/../../etc/passwd', content: 'x' }])))], 'entry-hostile', /entry 'usr\/\.\.\/\.\.\/etc\/passwd' has a '\.\.' path component/);
  });

  it('symlink escaping the root', async () => {
    const tar = rawTar([{ name: 'usr/lib/evil', typeflag: '2', linkname: '../../../etc/shadow' }]);
    await expectFailure([bufferLayer(tar)], 'entry-hostile', /symlink 'usr\/lib\/evil' points outside the image root \('\.\.\/\.\.\/\.\.\/etc\/shadow'\)/);
  });

  it('hard link escaping the root', async () => {
    const tar = rawTar([{ name: 'etc/hosts', typeflag: '1', linkname: '../host/etc/hosts' }]);
    await expectFailure([bufferLayer(tar)], 'entry-hostile', /hard link 'etc\/hosts' points outside the image root/);
  });

  it('data that is not a tar archive', async () => {
    await expectFailure([bufferLayer(Buffer.alloc(4096, 'garbage '))], 'tar-invalid', /invalid tar header checksum at offset 0/);
  });

  it('tar cut off inside a file', async () => {
    const tar = rawTar([osRelease, { name: 'var/lib/dpkg/status', content: 'Package: a\n', declaredSize: 5000 }], { end: false });
    await expectFailure([bufferLayer(tar)], 'tar-invalid', /tar data ends inside the body of 'var\/lib\/dpkg\/status'/);
  });

  it('unsupported compression', async () => {
    const xz = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(100)]);
    await expectFailure([bufferLayer(xz)], 'compression-invalid', /is xz-compressed; only gzip, zstd and uncompressed layers are supported/);
  });

  it('a layer whose stream fails', async () => {
    const failing: LayerSource = {
      digest: 'sha256:feed',
      mediaType: OCI_LAYER_TAR,
      open: async () =>
        new Readable({
          read() {
            this.destroy(new Error('blob store went away'));
          },
        }),
    };
    await expectFailure([failing], 'layer-unreadable', /layer sha256:feed could not be read: blob store went away/);
    const unopenable: LayerSource = { ...failing, open: () => Promise.reject(new Error('no such blob')) };
    await expectFailure([unopenable], 'layer-unreadable', /could not be opened: no such blob/);
  });

  it('names the failing layer among several', async () => {
    const good = bufferLayer(gzipSync(await tarOf([osRelease])));
    const bad = bufferLayer(rawTar([{ name: '/abs', content: '' }]));
    await expectFailure([good, bad], 'entry-hostile', new RegExp(`^layer ${bad.digest}: entry '/abs'`));
  });
});
