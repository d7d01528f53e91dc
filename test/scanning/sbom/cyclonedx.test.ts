import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';
import { matchInventory } from '../../../src/scanning/match/matcher.js';
import { inventoryFromCycloneDx, inventoryToCycloneDx } from '../../../src/scanning/sbom/cyclonedx.js';
import { purlFor } from '../../../src/scanning/sbom/purl.js';
import type { InventoryPackage } from '../../../src/scanning/types.js';
import { importVulnDb } from '../../../src/scanning/vulndb/import.js';
import { fileLayer, gzipLayer } from '../helpers/layers.js';
import { fixturePath, openVulnDb, silentLog } from '../helpers/vulndb.js';

const pkg = (p: Partial<InventoryPackage> & Pick<InventoryPackage, 'type' | 'name' | 'version'>): InventoryPackage => ({ locations: [], ...p });

describe('CycloneDX SBOM', () => {
  it('writes purls per package type', () => {
    const debian = { id: 'debian', versionId: '12' };
    expect(purlFor(pkg({ type: 'deb', name: 'libapt-pkg6.0', version: '2.6.1', arch: 'amd64' }), debian)).toBe(
      'pkg:deb/debian/libapt-pkg6.0@2.6.1?arch=amd64&distro=debian-12',
    );
    expect(purlFor(pkg({ type: 'apk', name: 'musl', version: '1.1.18-r3', arch: 'x86_64' }), { id: 'alpine', versionId: '3.7.3', release: '3.7.3' })).toBe(
      'pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=alpine-3.7.3',
    );
    expect(purlFor(pkg({ type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', arch: 'x86_64' }), { id: 'rocky', versionId: '9.3' })).toBe(
      'pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1',
    );
    expect(purlFor(pkg({ type: 'npm', name: '@types/node', version: '20.1.0' }), undefined)).toBe('pkg:npm/%40types/node@20.1.0');
    expect(purlFor(pkg({ type: 'pypi', name: 'Jinja2', version: '2.10' }), undefined)).toBe('pkg:pypi/jinja2@2.10');
    expect(purlFor(pkg({ type: 'golang', name: 'github.com/gin-gonic/gin', version: 'v1.5.0' }), undefined)).toBe('pkg:golang/github.com/gin-gonic/gin@v1.5.0');
    expect(purlFor(pkg({ type: 'maven', namespace: 'org.yaml', name: 'snakeyaml', version: '1.33' }), undefined)).toBe('pkg:maven/org.yaml/snakeyaml@1.33');
  });

  it('round-trips an inventory through its JSON form without loss', async () => {
    const inventory = await scanLayers([fileLayer(fixturePath('images/alpine-minirootfs-3.7.3.tar.gz'))]);
    inventory.warnings.push('example warning');
    inventory.packages.push(
      pkg({ type: 'maven', namespace: 'org.yaml', name: 'snakeyaml', version: '1.33', locations: [{ path: 'app.jar!/lib/s.jar', layerDigest: 'sha256:ab' }] }),
      pkg({ type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', source: { name: 'openssl', version: '3.0.7-24.el9' }, locations: [] }),
    );
    const bom = inventoryToCycloneDx(inventory, { imageName: 'alpine', imageDigest: 'sha256:00', timestamp: new Date('2026-01-01T00:00:00Z') });
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, metadata: { timestamp: '2026-01-01T00:00:00.000Z' } });
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(bom.components[0]).toMatchObject({ type: 'operating-system', name: 'alpine', version: '3.7.3' });
    const refs = bom.components.map((c) => c['bom-ref']);
    expect(new Set(refs).size).toBe(refs.length);
    const back = inventoryFromCycloneDx(JSON.parse(JSON.stringify(bom)));
    expect(back).toEqual(inventory);
  });

  it('re-matches from the stored SBOM alone with the same findings', async () => {
    const db = openVulnDb();
    try {
      await importVulnDb(db.store, fixturePath('vulndb/debian-bookworm/osv'), silentLog);
      const dir = 'vulndb/debian-bookworm/installed';
      const layer = await gzipLayer([
        { name: 'usr/lib/os-release', content: readFileSync(fixturePath(`${dir}/minbase.os-release`)) },
        { name: 'var/lib/dpkg/status', content: readFileSync(fixturePath(`${dir}/minbase.status`)) },
      ]);
      const inventory = await scanLayers([layer]);
      const stored = JSON.stringify(inventoryToCycloneDx(inventory));
      const fromSbom = await matchInventory(inventoryFromCycloneDx(JSON.parse(stored)), db.store);
      expect(fromSbom).toHaveLength(16);
      expect(fromSbom).toEqual(await matchInventory(inventory, db.store));
    } finally {
      db.close();
    }
  });

  it('rejects documents that are not CycloneDX', () => {
    expect(() => inventoryFromCycloneDx({ spdxVersion: 'SPDX-2.3' })).toThrow(expect.objectContaining({ code: 'SbomInvalid' }));
  });

  it('reads what it can from another tool\'s SBOM', () => {
    const inv = inventoryFromCycloneDx({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [
        { type: 'operating-system', name: 'debian', version: '12' },
        { type: 'library', name: 'libssl3', version: '3.0.15-1~deb12u1', purl: 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12' },
        { type: 'library', name: 'left-pad', purl: 'pkg:npm/left-pad@1.3.0' },
        { type: 'library', name: 'thing', purl: 'pkg:generic/thing@1' },
      ],
    });
    expect(inv).toEqual({
      os: { id: 'debian', versionId: '12' },
      packages: [
        { type: 'deb', name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64', locations: [] },
        { type: 'npm', name: 'left-pad', version: '1.3.0', locations: [] },
      ],
      warnings: [],
    });
  });
});

describe('SBOM of a scanned image is stable', () => {
  it('serialises deterministically given the same serial number and time', async () => {
    const inventory = await scanLayers([fileLayer(fixturePath('images/alpine-minirootfs-3.10.3.tar.gz'))]);
    const opts = { serialNumber: 'urn:uuid:00000000-0000-4000-8000-000000000000', timestamp: new Date(0) };
    expect(JSON.stringify(inventoryToCycloneDx(inventory, opts))).toBe(JSON.stringify(inventoryToCycloneDx(structuredClone(inventory), opts)));
  });
});
