/** Port of conformance/01_pull_test.go: the Pull workflow. */
import { describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../../../support/media-types.js';
import { relativeLocation } from '../harness/http.js';
import { type ConformanceContext, expectStatus, expectSuccessOr } from './context.js';

export function pullWorkflow(ctx: ConformanceContext): void {
  const { client, data: d, settings: s } = ctx;
  let tag = '';

  const populateBlob = async (content: Buffer, digest: string) => {
    const started = await client.do('POST', '/v2/<name>/blobs/uploads/');
    const resp = await client.http().send('PUT', relativeLocation(started), {
      query: { digest },
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
    });
    expectSuccessOr(resp);
  };
  const deleteManifest = async (digest: string) => {
    const resp = await client.do('DELETE', '/v2/<name>/manifests/<digest>', { digest });
    expectSuccessOr(resp, 405);
  };
  const deleteBlob = async (digest: string) => {
    const resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest });
    expectSuccessOr(resp, 404, 405);
  };

  describe('Pull', () => {
    describe('Setup', () => {
      it('Populate registry with test blob', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        await populateBlob(d.configs[0]!.content, d.configs[0]!.digest);
      });

      it('Populate registry with test blob', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        await populateBlob(d.configs[1]!.content, d.configs[1]!.digest);
      });

      it('Populate registry with test layer', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        await populateBlob(d.layerBlobData, d.layerBlobDigest);
      });

      it('Populate registry with test manifest', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        tag = d.testTagName;
        const resp = await client.pushManifest(tag, d.manifests[0]!.content, OCI_MANIFEST);
        expectSuccessOr(resp);
      });

      it('Populate registry with test manifest', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        const resp = await client.pushManifest(d.manifests[1]!.digest, d.manifests[1]!.content, OCI_MANIFEST);
        expectSuccessOr(resp);
      });

      it('Get tag name from environment', async ({ skip }) => {
        skip(s.runPullSetup, 'you have skipped this test.');
        if (s.envTagName !== '') tag = s.envTagName;
      });
    });

    describe('Pull blobs', () => {
      it('HEAD request to nonexistent blob should result in 404 response', async () => {
        const resp = await client.do('HEAD', '/v2/<name>/blobs/<digest>', { digest: d.dummyDigest });
        expectStatus(resp, 404);
      });

      it('HEAD request to existing blob should yield 200', async () => {
        const resp = await client.do('HEAD', '/v2/<name>/blobs/<digest>', { digest: d.configs[0]!.digest });
        expectStatus(resp, 200);
        const h = resp.header('docker-content-digest');
        if (h) expect(h).toBe(d.configs[0]!.digest);
      });

      it('GET nonexistent blob should result in 404 response', async () => {
        const resp = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: d.dummyDigest });
        expectStatus(resp, 404);
      });

      it('GET request to existing blob URL should yield 200', async () => {
        const resp = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: d.configs[0]!.digest });
        expectStatus(resp, 200);
      });
    });

    describe('Pull manifests', () => {
      const accept = { accept: OCI_MANIFEST };

      it('HEAD request to nonexistent manifest should return 404', async () => {
        const resp = await client.do('HEAD', '/v2/<name>/manifests/<reference>', { reference: d.nonexistentManifest });
        expectStatus(resp, 404);
      });

      for (const i of [0, 1]) {
        it(`HEAD request to manifest[${i}] path (digest) should yield 200 response`, async () => {
          const resp = await client.do('HEAD', '/v2/<name>/manifests/<digest>', { digest: d.manifests[i]!.digest, headers: accept });
          expectStatus(resp, 200);
          const h = resp.header('docker-content-digest');
          if (h) expect(h).toBe(d.manifests[i]!.digest);
        });
      }

      it('HEAD request to manifest path (tag) should yield 200 response', async () => {
        expect(tag).not.toBe('');
        const resp = await client.do('HEAD', '/v2/<name>/manifests/<reference>', { reference: tag, headers: accept });
        expectStatus(resp, 200);
        const h = resp.header('docker-content-digest');
        if (h) expect(h).toBe(d.manifests[0]!.digest);
      });

      it('GET nonexistent manifest should return 404', async () => {
        const resp = await client.do('GET', '/v2/<name>/manifests/<reference>', { reference: d.nonexistentManifest });
        expectStatus(resp, 404);
      });

      for (const i of [0, 1]) {
        it(`GET request to manifest[${i}] path (digest) should yield 200 response`, async () => {
          const resp = await client.do('GET', '/v2/<name>/manifests/<digest>', { digest: d.manifests[i]!.digest, headers: accept });
          expectStatus(resp, 200);
        });
      }

      it('GET request to manifest path (tag) should yield 200 response', async () => {
        expect(tag).not.toBe('');
        const resp = await client.do('GET', '/v2/<name>/manifests/<reference>', { reference: tag, headers: accept });
        expectStatus(resp, 200);
      });
    });

    describe('Error codes', () => {
      it('400 response body should contain OCI-conforming JSON message', async () => {
        // Upstream sends a GET with a (bogus manifest) body; so does this port.
        const resp = await client.do('GET', '/v2/<name>/manifests/<reference>', {
          reference: 'sha256:totallywrong',
          headers: { 'content-type': OCI_MANIFEST },
          body: d.invalidManifestContent,
        });
        expectStatus(resp, 400, 404);
        if (resp.status === 400) {
          const errors = resp.json<{ errors: { code: string }[] }>().errors;
          expect(errors).not.toHaveLength(0);
          expect(d.errorCodes).toContain(errors[0]!.code);
        }
      });
    });

    describe('Teardown', () => {
      if (s.deleteManifestBeforeBlobs) {
        it('Delete manifest[0] created in setup', async ({ skip }) => {
          skip(!s.runPullSetup, 'you have skipped this test.');
          await deleteManifest(d.manifests[0]!.digest);
        });
        it('Delete manifest[1] created in setup', async ({ skip }) => {
          skip(!s.runPullSetup, 'you have skipped this test.');
          await deleteManifest(d.manifests[1]!.digest);
        });
      }

      it('Delete config[0] blob created in setup', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        await deleteBlob(d.configs[0]!.digest);
      });
      it('Delete config[1] blob created in setup', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        await deleteBlob(d.configs[1]!.digest);
      });
      it('Delete layer blob created in setup', async ({ skip }) => {
        skip(!s.runPullSetup, 'you have skipped this test.');
        await deleteBlob(d.layerBlobDigest);
      });

      if (!s.deleteManifestBeforeBlobs) {
        it('Delete manifest[0] created in setup', async ({ skip }) => {
          skip(!s.runPullSetup, 'you have skipped this test.');
          await deleteManifest(d.manifests[0]!.digest);
        });
        it('Delete manifest[1] created in setup', async ({ skip }) => {
          skip(!s.runPullSetup, 'you have skipped this test.');
          await deleteManifest(d.manifests[1]!.digest);
        });
      }
    });
  });
}
