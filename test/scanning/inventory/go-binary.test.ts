import { describe, expect, it } from 'vitest';
import { scanGoBinary } from '../../../src/scanning/inventory/analyzers/go-binary.js';
import { parseModInfo } from '../../../src/scanning/inventory/analyzers/go-buildinfo.js';
import { buildInfoBlob, fakeGoBinary } from '../helpers/gobuild.js';

const MODINFO = 'path\tex.com/cmd\nmod\tex.com/cmd\tv1.2.3\th1:x=\ndep\tex.com/dep\tv0.1.0\th1:y=\n';

async function* split(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function scan(bytes: Buffer, chunk: number) {
  const warnings: string[] = [];
  const artifact = await scanGoBinary(split(bytes, chunk), 'bin/x', (w) => warnings.push(w));
  return { artifact, warnings };
}

describe('Go build info scanning', () => {
  it.each([1, 7, 16, 31, 4093, 65536, 1 << 20])('finds the aligned header whatever the chunking (%i-byte chunks)', async (chunk) => {
    const bytes = fakeGoBinary('go1.22.1', MODINFO, chunk < 16 ? 80_000 : 300_000);
    if (chunk < 16) buildInfoBlob('go1.22.1', MODINFO).copy(bytes, 40_000); // keep 1-byte runs short
    const { artifact, warnings } = await scan(bytes, chunk);
    expect(warnings).toEqual([]);
    expect(artifact).toEqual({
      kind: 'packages',
      packages: [
        { type: 'golang', name: 'stdlib', version: 'v1.22.1' },
        { type: 'golang', name: 'ex.com/cmd', version: 'v1.2.3' },
        { type: 'golang', name: 'ex.com/dep', version: 'v0.1.0' },
      ],
    });
  });

  it('ignores non-ELF files and unaligned copies of the magic', async () => {
    const script = Buffer.concat([Buffer.from('#!/bin/sh\n'), buildInfoBlob('go1.22.1', MODINFO)]);
    expect((await scan(script, 4096)).artifact).toBeUndefined();
    const onlyDecoy = fakeGoBinary('go1.22.1', MODINFO);
    onlyDecoy.fill(0, 200_000, 200_032); // erase the real header, keep the unaligned decoy
    expect(await scan(onlyDecoy, 4096)).toEqual({ artifact: undefined, warnings: [] });
  });

  it('reports binaries built before Go 1.18 instead of guessing', async () => {
    const old = fakeGoBinary('go1.16', MODINFO);
    old[200_015] = 0; // flags without the inline-strings bit
    expect(await scan(old, 65536)).toEqual({ artifact: undefined, warnings: ['Go binary bin/x: built before Go 1.18 (pointer-based build info); its modules are not inventoried'] });
  });

  it('parses module lines, applying replacements', () => {
    expect(parseModInfo('path\ta\nmod\ta\t(devel)\t\ndep\tb\tv1.0.0\th1:\n=>\tc\tv2.0.0\th1:\nbuild\tGOOS=linux\n')).toEqual({
      path: 'a',
      main: { path: 'a', version: '(devel)' },
      deps: [{ path: 'c', version: 'v2.0.0' }],
    });
  });
});
