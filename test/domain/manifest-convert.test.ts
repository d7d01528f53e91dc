/** ECR's image manifest conversion (OCI image manifest ↔ Docker Image Manifest V2 Schema 2): the field rules. */
import { describe, expect, it } from 'vitest';
import { convertManifest } from '../../src/domain/manifest/convert.js';
import { sha256 } from '../support/digest.js';
import { DOCKER_CONFIG, DOCKER_MANIFEST, OCI_CONFIG, OCI_MANIFEST } from '../support/media-types.js';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const doc = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify({ schemaVersion: 2, ...fields }));

describe('convertManifest', () => {
  it('OCI to Docker: maps config and layer types, keeps urls, drops what Schema 2 has no field for', () => {
    const oci = doc({
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: d(1), size: 10, annotations: { a: 'b' } },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d(2), size: 20 },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: d(3), size: 30 },
        { mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', digest: d(4), size: 40, urls: ['https://example.invalid/l'] },
      ],
      annotations: { 'org.opencontainers.image.created': 'now' },
      subject: { mediaType: OCI_MANIFEST, digest: d(5), size: 50 },
    });
    const out = convertManifest(oci, OCI_MANIFEST, ['application/vnd.docker.distribution.manifest.v1+json', DOCKER_MANIFEST]);
    if ('unavailable' in out) throw new Error(out.unavailable);
    expect(out.mediaType).toBe(DOCKER_MANIFEST);
    expect(out.digest).toBe(sha256(out.content));
    expect(JSON.parse(out.content.toString())).toEqual({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, digest: d(1), size: 10 },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d(2), size: 20 },
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: d(3), size: 30 },
        { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: d(4), size: 40, urls: ['https://example.invalid/l'] },
      ],
    });
  });

  it('Docker to OCI and back gives the same document', () => {
    const docker = doc({
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, digest: d(1), size: 10 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d(2), size: 20 }],
    });
    const oci = convertManifest(docker, DOCKER_MANIFEST, [OCI_MANIFEST]);
    if ('unavailable' in oci) throw new Error(oci.unavailable);
    expect(JSON.parse(oci.content.toString()).layers[0].mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    const back = convertManifest(oci.content, OCI_MANIFEST, [DOCKER_MANIFEST]);
    if ('unavailable' in back) throw new Error(back.unavailable);
    expect(JSON.parse(back.content.toString())).toEqual(JSON.parse(docker.toString()));
  });

  it('refuses artifacts, unknown layer types and targets without a conversion', () => {
    const artifact = doc({ mediaType: OCI_MANIFEST, artifactType: 'application/vnd.example+json', config: { mediaType: OCI_CONFIG, digest: d(1), size: 1 }, layers: [] });
    expect(convertManifest(artifact, OCI_MANIFEST, [DOCKER_MANIFEST])).toEqual({ unavailable: `an artifact (artifactType application/vnd.example+json) cannot be converted to ${DOCKER_MANIFEST}` });
    const image = doc({ mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: d(1), size: 1 }, layers: [] });
    expect(convertManifest(image, OCI_MANIFEST, ['application/vnd.docker.distribution.manifest.v1+json'])).toEqual({
      unavailable: `no conversion from ${OCI_MANIFEST} to application/vnd.docker.distribution.manifest.v1+json is available`,
    });
  });
});
