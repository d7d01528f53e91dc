/** Port of conformance/03_discovery_test.go: the Content Discovery workflow (tags and referrers). */
import { describe, expect, it } from 'vitest';
import { OCI_INDEX, OCI_MANIFEST } from '../../../support/media-types.js';
import { type HttpResponse, relativeLocation } from '../harness/http.js';
import { type ConformanceContext, expectStatus, expectSuccessOr, tagsOf } from './context.js';

const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

interface Index {
  manifests: { digest: string; annotations?: Record<string, string> }[];
}

export function discoveryWorkflow(ctx: ConformanceContext): void {
  const { client, data: d, settings: s } = ctx;
  let numTags = 4;
  let tagList: string[] = [];

  const populateBlob = async (content: Buffer, digest: string) => {
    const started = await client.do('POST', '/v2/<name>/blobs/uploads/');
    const resp = await client.http().send('PUT', relativeLocation(started), {
      query: { digest },
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
    });
    expectSuccessOr(resp);
  };
  const pushManifest = async (reference: string, content: Buffer, mediaType = OCI_MANIFEST) => {
    const resp = await client.pushManifest(reference, content, mediaType);
    expectSuccessOr(resp);
    return resp;
  };
  const deleteAll = async (references: string[]) => {
    for (const reference of references) {
      const resp = await client.do('DELETE', '/v2/<name>/manifests/<digest>', { digest: reference });
      expectSuccessOr(resp, 405, 404);
    }
  };
  const referrers = (digest: string, query?: Record<string, string>) =>
    client.do('GET', '/v2/<name>/referrers/<digest>', { digest, query });
  const expectIndex = (resp: HttpResponse): Index => {
    expectStatus(resp, 200);
    expect(resp.header('content-type')).toBe(OCI_INDEX);
    return resp.json<Index>();
  };
  const expectAnnotations = (index: Index) => {
    for (const m of index.manifests) {
      expect(Object.keys(m.annotations ?? {})).toHaveLength(1);
      expect(m.annotations?.[d.testAnnotationKey]).toBe(d.testAnnotationValues[m.digest]);
    }
  };
  const createdManifests = () => [
    d.refsIndexArtifact.digest,
    d.manifests[2]!.digest,
    d.manifests[4]!.digest,
    d.refsManifestAConfigArtifact.digest,
    d.refsManifestALayerArtifact.digest,
    d.testTagName,
    d.refsManifestBConfigArtifact.digest,
    d.refsManifestBLayerArtifact.digest,
    d.refsManifestCLayerArtifact.digest,
  ];

  describe('Content Discovery', () => {
    describe('Setup', () => {
      it('Populate registry with test blob', async ({ skip }) => {
        skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
        await populateBlob(d.configs[2]!.content, d.configs[2]!.digest);
      });

      it('Populate registry with test layer', async ({ skip }) => {
        skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
        await populateBlob(d.layerBlobData, d.layerBlobDigest);
      });

      it('Populate registry with test tags', async ({ skip }) => {
        skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
        for (let i = 0; i < numTags; i++) {
          tagList.push(`test${i}`);
          await pushManifest(`test${i}`, d.manifests[2]!.content);
        }
        tagList = tagsOf(await client.do('GET', '/v2/<name>/tags/list'));
      });

      it('Populate registry with test tags (no push)', async ({ skip }) => {
        skip(s.runContentDiscoverySetup, 'you have skipped this test.');
        tagList = s.envTagList.split(',');
      });

      it('References setup', async ({ skip }) => {
        skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
        expect(d.emptyJSONDescriptor.digest).toBe(EMPTY_JSON_DIGEST);
        await populateBlob(d.emptyJSONBlob, d.emptyJSONDescriptor.digest);
        // The reference blob goes in before the image manifest (subject) is pushed.
        await populateBlob(d.testRefBlobA.content, d.testRefBlobA.digest);
        const subject = d.manifests[4]!.digest;
        let resp = await pushManifest(d.refsManifestAConfigArtifact.digest, d.refsManifestAConfigArtifact.content);
        expect(resp.header('oci-subject')).toBe(subject);
        resp = await pushManifest(d.refsManifestALayerArtifact.digest, d.refsManifestALayerArtifact.content);
        expect(resp.header('oci-subject')).toBe(subject);
        resp = await pushManifest(d.refsIndexArtifact.digest, d.refsIndexArtifact.content, OCI_INDEX);
        expect(resp.header('oci-subject')).toBe(subject);

        await populateBlob(d.configs[4]!.content, d.configs[4]!.digest);
        await populateBlob(d.layerBlobData, d.layerBlobDigest);
        await pushManifest(d.testTagName, d.manifests[4]!.content);

        // The reference blob goes in after the image manifest is pushed.
        await populateBlob(d.testRefBlobB.content, d.testRefBlobB.digest);
        resp = await pushManifest(d.refsManifestBConfigArtifact.digest, d.refsManifestBConfigArtifact.content);
        expect(resp.header('oci-subject')).toBe(subject);
        resp = await pushManifest(d.refsManifestBLayerArtifact.digest, d.refsManifestBLayerArtifact.content);
        expect(resp.header('oci-subject')).toBe(subject);
        // A referrer whose subject does not exist.
        resp = await pushManifest(d.refsManifestCLayerArtifact.digest, d.refsManifestCLayerArtifact.content);
        expect(resp.header('oci-subject')).toBe(d.manifests[3]!.digest);
      });
    });

    describe('Test content discovery endpoints (listing tags)', () => {
      it('GET request to list tags should yield 200 response', async () => {
        const resp = await client.do('GET', '/v2/<name>/tags/list');
        expectStatus(resp, 200);
        tagList = tagsOf(resp);
        numTags = tagList.length;
      });

      it('GET number of tags should be limitable by `n` query parameter', async () => {
        const numResults = Math.trunc(numTags / 2);
        const resp = await client.do('GET', '/v2/<name>/tags/list', { query: { n: String(numResults) } });
        expectStatus(resp, 200);
        tagList = tagsOf(resp);
        expect(tagList).toHaveLength(numResults);
      });

      it('GET start of tag is set by `last` query parameter', async () => {
        const numResults = Math.trunc(numTags / 2);
        let resp = await client.do('GET', '/v2/<name>/tags/list', { query: { n: String(numResults) } });
        tagList = tagsOf(resp);
        resp = await client.do('GET', '/v2/<name>/tags/list', { query: { n: String(numResults), last: tagList[numResults - 1]! } });
        expectStatus(resp, 200);
        // Upstream checks the first page here (not the second); kept as is. The second page's
        // content is asserted by the focused tag-list tests.
        expect(tagList.length).toBeLessThanOrEqual(numResults);
        expect(tagList).toContain(tagList[numResults - 1]);
      });
    });

    describe('Test content discovery endpoints (listing references)', () => {
      it('GET request to nonexistent blob should result in empty 200 response', async () => {
        const index = expectIndex(await referrers(d.dummyDigest));
        expect(index.manifests).toHaveLength(0);
      });

      it('GET request to existing blob should yield 200', async () => {
        const index = expectIndex(await referrers(d.manifests[4]!.digest));
        expect(index.manifests).toHaveLength(5);
        expect(index.manifests[0]!.digest).not.toBe(index.manifests[1]!.digest);
        expectAnnotations(index);
      });

      it('GET request to existing blob with filter should yield 200', async () => {
        const resp = await referrers(d.manifests[4]!.digest, { artifactType: d.testRefArtifactTypeA });
        const index = expectIndex(resp);
        // Upstream accepts a registry that ignores the filter (with a warning); Berth filters.
        expect(resp.header('oci-filters-applied')).toBe('artifactType');
        expect(index.manifests).toHaveLength(2);
        expectAnnotations(index);
      });

      it('GET request to missing manifest should yield 200', async () => {
        const index = expectIndex(await referrers(d.manifests[3]!.digest));
        expect(index.manifests).toHaveLength(1);
        expect(index.manifests[0]!.digest).toBe(d.refsManifestCLayerArtifact.digest);
      });
    });

    describe('Teardown', () => {
      if (s.deleteManifestBeforeBlobs) {
        it('Delete created manifest & associated tags', async ({ skip }) => {
          skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
          await deleteAll(createdManifests());
        });
      }

      it('Delete config blob created in tests', async ({ skip }) => {
        skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
        const resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: d.configs[2]!.digest });
        expectSuccessOr(resp, 405);
      });

      it('Delete layer blob created in setup', async ({ skip }) => {
        skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
        const resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: d.layerBlobDigest });
        expectSuccessOr(resp, 405);
      });

      if (!s.deleteManifestBeforeBlobs) {
        it('Delete created manifest & associated tags', async ({ skip }) => {
          skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
          await deleteAll(createdManifests());
        });
      }

      it('References teardown', async ({ skip }) => {
        skip(!s.runContentDiscoverySetup, 'you have skipped this test.');
        const referenceManifests = [
          d.refsIndexArtifact.digest,
          d.refsManifestAConfigArtifact.digest,
          d.refsManifestALayerArtifact.digest,
          d.manifests[4]!.digest,
          d.refsManifestBConfigArtifact.digest,
          d.refsManifestBLayerArtifact.digest,
        ];
        if (s.deleteManifestBeforeBlobs) await deleteAll(referenceManifests);
        for (const digest of [d.configs[4]!.digest, d.testRefBlobA.digest, d.testRefBlobB.digest, d.emptyJSONDescriptor.digest]) {
          const resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest });
          expectSuccessOr(resp, 405, 404);
        }
        if (!s.deleteManifestBeforeBlobs) await deleteAll(referenceManifests);
      });
    });
  });
}
