import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';
import { matchInventory } from '../../../src/scanning/match/matcher.js';
import { importVulnDb } from '../../../src/scanning/vulndb/import.js';
import { fakeGoBinary } from '../helpers/gobuild.js';
import { gzipLayer } from '../helpers/layers.js';
import { fixturePath, openVulnDb, silentLog } from '../helpers/vulndb.js';
import { zipOf } from '../helpers/zip.js';

const metadata = (name: string, version: string): string =>
  `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: test\nLicense: MIT\n\nLong description.\nName: not-a-header\n`;

const debianOs = { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' };

describe('language packages', () => {
  const db = openVulnDb();
  beforeAll(async () => {
    await importVulnDb(db.store, fixturePath('vulndb/pypa-advisory-db'), silentLog);
    await importVulnDb(db.store, fixturePath('vulndb/go-vulndb/Go-all.zip'), silentLog);
  });
  afterAll(() => db.close());

  it('reports pip-installed Python packages and not those a dpkg package installed', async () => {
    const status = [
      'Package: python3-six\nStatus: install ok installed\nArchitecture: all\nSource: six\nVersion: 1.16.0-4\n',
      'Package: python3-urllib3\nStatus: install ok installed\nArchitecture: all\nSource: python-urllib3\nVersion: 1.26.12-1+deb12u1\n',
    ].join('\n');
    const layer = await gzipLayer([
      debianOs,
      { name: 'var/lib/dpkg/status', content: status },
      { name: 'var/lib/dpkg/info/python3-six.list', content: '/.\n/usr\n/usr/lib/python3/dist-packages/six-1.16.0.dist-info\n/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA\n' },
      { name: 'var/lib/dpkg/info/python3-urllib3.list', content: '/usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA\n' },
      { name: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', content: metadata('six', '1.16.0') },
      { name: 'usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA', content: metadata('urllib3', '1.26.12') },
      { name: 'usr/local/lib/python3.11/site-packages/requests-2.19.0.dist-info/METADATA', content: metadata('requests', '2.19.0') },
      { name: 'usr/local/lib/python3.11/site-packages/Jinja2-2.10.egg-info/PKG-INFO', content: metadata('Jinja2', '2.10') },
    ]);
    const inventory = await scanLayers([layer]);
    expect(inventory.packages.map((p) => `${p.type}:${p.name}@${p.version}`)).toEqual([
      'deb:python3-six@1.16.0-4',
      'deb:python3-urllib3@1.26.12-1+deb12u1',
      'pypi:Jinja2@2.10',
      'pypi:requests@2.19.0',
    ]);
    const findings = await matchInventory(inventory, db.store);
    const requests = findings.filter((f) => f.packageName === 'requests');
    expect(requests.find((f) => f.vulnerabilityId === 'PYSEC-2018-28')).toMatchObject({
      ecosystem: 'PyPI',
      packageType: 'pypi',
      cveId: 'CVE-2018-18074',
      fixedVersion: '2.20.0',
      locations: [{ path: 'usr/local/lib/python3.11/site-packages/requests-2.19.0.dist-info/METADATA', layerDigest: layer.digest }],
    });
    // PyPI names match case-insensitively (PEP 503): the advisory says "jinja2".
    expect(findings.find((f) => f.packageName === 'Jinja2' && f.vulnerabilityId === 'PYSEC-2019-217')?.fixedVersion).toBe('2.10.1');
    // urllib3 1.26.12 is affected by PYSEC-2023-192 on PyPI, but this copy belongs to python3-urllib3.
    expect(findings.filter((f) => f.packageName === 'urllib3')).toEqual([]);
  });

  it('reads Go build info from executables and matches modules and the standard library', async () => {
    const modinfo = [
      'path\texample.com/app/cmd/app',
      'mod\texample.com/app\t(devel)\t',
      'dep\tgithub.com/gin-gonic/gin\tv1.5.0\th1:fi+bqFAx/oLK54somfiCEpg8SFp8=',
      'dep\tgolang.org/x/text\tv0.3.0\th1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=',
      '=>\tgolang.org/x/text\tv0.3.5\th1:i6eZZ+zk0SOf0xgBpEpPD18qWcJda6q1sxt3S0kzyUQ=',
      'build\t-compiler=gc',
      '',
    ].join('\n');
    const layer = await gzipLayer([
      { name: 'usr/local/bin/app', content: fakeGoBinary('go1.19.8', modinfo), mode: 0o755 },
      // Not executable: never inspected even though it holds the same bytes.
      { name: 'usr/share/app/data.bin', content: fakeGoBinary('go1.19.8', modinfo), mode: 0o644 },
      { name: 'usr/local/bin/script', content: `#!/bin/sh\n${'echo hi\n'.repeat(200)}`, mode: 0o755 },
    ]);
    const inventory = await scanLayers([layer]);
    expect(inventory.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'github.com/gin-gonic/gin@v1.5.0',
      'golang.org/x/text@v0.3.5', // the replacement, not the required version
      'stdlib@v1.19.8',
    ]);
    expect(inventory.packages.every((p) => p.type === 'golang' && p.locations[0]!.path === 'usr/local/bin/app')).toBe(true);
    const findings = await matchInventory(inventory, db.store);
    expect(findings.find((f) => f.vulnerabilityId === 'GO-2020-0001')).toMatchObject({
      packageName: 'github.com/gin-gonic/gin',
      ecosystem: 'Go',
      fixedVersion: '1.6.0',
      cveId: 'CVE-2020-36567',
      uri: 'https://pkg.go.dev/vuln/GO-2020-0001',
    });
    expect(findings.some((f) => f.packageName === 'golang.org/x/text' && f.vulnerabilityId === 'GO-2021-0113')).toBe(true);
    const stdlib = findings.filter((f) => f.packageName === 'stdlib');
    expect(stdlib.length).toBeGreaterThan(10);
    expect(stdlib.every((f) => f.fixedVersion === undefined || !/^1\.19\.[0-8]$/.test(f.fixedVersion))).toBe(true);
  });

  it.runIf(existsSync('/usr/bin/docker-registry'))('reads a real Go binary from this machine', async () => {
    const layer = await gzipLayer([{ name: 'usr/bin/registry', content: readFileSync('/usr/bin/docker-registry'), mode: 0o755 }]);
    const inventory = await scanLayers([layer]);
    const stdlib = inventory.packages.find((p) => p.name === 'stdlib');
    expect(stdlib?.version).toMatch(/^v1\.\d+/);
    expect(inventory.warnings).toEqual([]);
  });

  it('reads npm packages from node_modules and lockfiles, skipping dev dependencies', async () => {
    const lock = {
      name: 'app',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/lodash': { version: '4.17.20', license: 'MIT' },
        'node_modules/@babel/core': { version: '7.0.0', dev: true },
        'node_modules/a/node_modules/minimist': { version: '1.2.5' },
      },
    };
    const layer = await gzipLayer([
      { name: 'app/package-lock.json', content: JSON.stringify(lock) },
      { name: 'app/node_modules/lodash/package.json', content: JSON.stringify({ name: 'lodash', version: '4.17.20', license: 'MIT' }) },
      { name: 'app/node_modules/@types/node/package.json', content: JSON.stringify({ name: '@types/node', version: '20.1.0' }) },
      { name: 'app/node_modules/lodash/node_modules/not-a-package/readme.json', content: '{}' },
      { name: 'app/node_modules/.package-lock.json', content: JSON.stringify(lock) },
    ]);
    const inventory = await scanLayers([layer]);
    expect(inventory.packages.map((p) => `${p.name}@${p.version} ${p.locations.map((l) => l.path).join(',')}`)).toEqual([
      '@types/node@20.1.0 app/node_modules/@types/node/package.json',
      'lodash@4.17.20 app/node_modules/lodash/package.json,app/package-lock.json',
      'minimist@1.2.5 app/package-lock.json',
    ]);
  });

  it('reads Maven coordinates from jars, including nested ones', async () => {
    const inner = zipOf([
      { name: 'META-INF/MANIFEST.MF', content: 'Manifest-Version: 1.0\n' },
      { name: 'META-INF/maven/org.yaml/snakeyaml/pom.properties', content: 'groupId=org.yaml\nartifactId=snakeyaml\nversion=1.33\n' },
    ]);
    const boot = zipOf([
      { name: 'META-INF/MANIFEST.MF', content: 'Manifest-Version: 1.0\nImplementation-Title: demo\nImplementation-Version: 0.0.1\n' },
      { name: 'META-INF/maven/com.example/demo/pom.properties', content: '#Generated\ngroupId=com.example\nartifactId=demo\nversion=0.0.1-SNAPSHOT\n' },
      { name: 'BOOT-INF/lib/snakeyaml-1.33.jar', content: inner },
    ]);
    const manifestOnly = zipOf([
      { name: 'META-INF/MANIFEST.MF', content: 'Manifest-Version: 1.0\nBundle-SymbolicName: org.example.tool;singleton:=true\nBundle-Version: 2.1.0\nImplementation-Vendor-Id: org.example\n' },
    ]);
    const inventory = await scanLayers([
      await gzipLayer([
        { name: 'app/app.jar', content: boot },
        { name: 'opt/lib/tool.jar', content: manifestOnly },
        { name: 'opt/lib/broken.jar', content: 'not a zip' },
      ]),
    ]);
    expect(inventory.packages.map((p) => `${p.namespace}:${p.name}@${p.version} ${p.locations[0]!.path}`)).toEqual([
      'com.example:demo@0.0.1-SNAPSHOT app/app.jar',
      'org.example:org.example.tool@2.1.0 opt/lib/tool.jar',
      'org.yaml:snakeyaml@1.33 app/app.jar!/BOOT-INF/lib/snakeyaml-1.33.jar',
    ]);
    expect(inventory.warnings).toEqual([expect.stringMatching(/^opt\/lib\/broken\.jar could not be parsed/)]);
  });
});
