/** Port of conformance/02_push_test.go: the Push workflow. */
import { describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../../../support/media-types.js';
import { type HttpResponse, relativeLocation } from '../harness/http.js';
import { type ConformanceContext, expectStatus, expectSuccessOr } from './context.js';
import { chunkedBlob } from './data.js';

const OCTET = { 'content-type': 'application/octet-stream' };

export function pushWorkflow(ctx: ConformanceContext): void {
  const { client, data: d, settings: s } = ctx;
  let lastResponse: HttpResponse | undefined;
  let prevResponse: HttpResponse | undefined;
  let emptyLayerManifestRef = '';
  const http = () => client.http();

  describe('Push', () => {
    // Setup: "No setup required at this time for push tests" (upstream has no specs there).

    describe('Blob Upload Streamed', () => {
      it('PATCH request with blob in body should yield 202 response', async () => {
        const started = await client.do('POST', '/v2/<name>/blobs/uploads/');
        expect(started.header('location')).toBeTruthy();
        const resp = await http().send('PATCH', relativeLocation(started), { headers: OCTET, body: d.testBlobA.content });
        expectStatus(resp, 202);
        lastResponse = resp;
      });

      it('PUT request to session URL with digest should yield 201 response', async () => {
        expect(lastResponse).toBeDefined();
        // Upstream sets Content-Length to the blob's length but sends no body; Go's client drops a
        // hand-set Content-Length and sends the real one (0), as this client does.
        const resp = await http().send('PUT', relativeLocation(lastResponse!), { query: { digest: d.testBlobA.digest }, headers: OCTET });
        expectStatus(resp, 201);
        expect(resp.header('location')).toBeTruthy();
      });
    });

    describe('Blob Upload Monolithic', () => {
      it('GET nonexistent blob should result in 404 response', async () => {
        const resp = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: d.dummyDigest });
        expectStatus(resp, 404);
      });

      it('POST request with digest and blob should yield a 201 or 202', async () => {
        const resp = await client.do('POST', '/v2/<name>/blobs/uploads/', {
          headers: OCTET,
          query: { digest: d.configs[1]!.digest },
          body: d.configs[1]!.content,
        });
        expect(resp.header('location')).toBeTruthy();
        expectStatus(resp, 201, 202);
        lastResponse = resp;
      });

      it('GET request to blob URL from prior request should yield 200 or 404 based on response code', async () => {
        expect(lastResponse).toBeDefined();
        const resp = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: d.configs[1]!.digest });
        expectStatus(resp, lastResponse!.status === 202 ? 404 : 200);
      });

      it('POST request should yield a session ID', async () => {
        const resp = await client.do('POST', '/v2/<name>/blobs/uploads/');
        expectStatus(resp, 202);
        lastResponse = resp;
      });

      it('PUT upload of a blob should yield a 201 Response', async () => {
        const resp = await http().send('PUT', relativeLocation(lastResponse!), {
          headers: OCTET,
          query: { digest: d.configs[1]!.digest },
          body: d.configs[1]!.content,
        });
        expect(resp.header('location')).toBeTruthy();
        expectStatus(resp, 201);
      });

      it('GET request to existing blob should yield 200 response', async () => {
        const resp = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: d.configs[1]!.digest });
        expectStatus(resp, 200);
      });

      it('PUT upload of a layer blob should yield a 201 Response', async () => {
        const started = await client.do('POST', '/v2/<name>/blobs/uploads/');
        const resp = await http().send('PUT', relativeLocation(started), {
          headers: OCTET,
          query: { digest: d.layerBlobDigest },
          body: d.layerBlobData,
        });
        expect(resp.header('location')).toBeTruthy();
        expectStatus(resp, 201);
      });

      it('GET request to existing layer should yield 200 response', async () => {
        const resp = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: d.layerBlobDigest });
        expectStatus(resp, 200);
      });
    });

    describe('Blob Upload Chunked', () => {
      const patch = (location: string, chunk: Buffer, range: string) =>
        http().send('PATCH', location, { headers: { ...OCTET, 'content-range': range }, body: chunk });

      it('Out-of-order blob upload should return 416', async () => {
        const started = await client.do('POST', '/v2/<name>/blobs/uploads/', { headers: { 'content-length': '0' } });
        expect(started.header('location')).toBeTruthy();
        // Rebuild the chunked blob if the registry's minimum chunk is above our chunk size.
        const minSize = started.header('oci-chunk-min-length');
        if (minSize !== undefined) {
          expect(minSize).toMatch(/^\d+$/);
          if (Number(minSize) > d.testBlobBChunk1.length) Object.assign(d, chunkedBlob(Number(minSize) * 2 - 2));
        }
        const resp = await patch(relativeLocation(started), d.testBlobBChunk2, d.testBlobBChunk2Range);
        expectStatus(resp, 416);
      });

      it('PATCH request with first chunk should return 202', async () => {
        const started = await client.do('POST', '/v2/<name>/blobs/uploads/', { headers: { 'content-length': '0' } });
        expect(started.header('location')).toBeTruthy();
        prevResponse = started;
        const resp = await patch(relativeLocation(started), d.testBlobBChunk1, d.testBlobBChunk1Range);
        expectStatus(resp, 202);
        expect(resp.header('range')).toBe(d.testBlobBChunk1Range);
        lastResponse = resp;
      });

      it('Retry previous blob chunk should return 416', async () => {
        const resp = await patch(relativeLocation(prevResponse!), d.testBlobBChunk1, d.testBlobBChunk1Range);
        expectStatus(resp, 416);
      });

      it('Get on stale blob upload should return 204 with a range and location', async () => {
        const resp = await http().send('GET', relativeLocation(prevResponse!));
        expectStatus(resp, 204);
        expect(resp.header('location')).toBeTruthy();
        expect(resp.header('range')).toBe(d.testBlobBChunk1Range);
        lastResponse = resp;
      });

      it('PATCH request with second chunk should return 202', async () => {
        const resp = await patch(relativeLocation(lastResponse!), d.testBlobBChunk2, d.testBlobBChunk2Range);
        expectStatus(resp, 202);
        expect(resp.header('location')).toBeTruthy();
        lastResponse = resp;
      });

      it('PUT request with digest should return 201', async () => {
        const resp = await http().send('PUT', relativeLocation(lastResponse!), {
          headers: { ...OCTET, 'content-length': '0' },
          query: { digest: d.testBlobB.digest },
        });
        expectStatus(resp, 201);
        expect(resp.header('location')).toBeTruthy();
      });
    });

    describe('Cross-Repository Blob Mount', () => {
      const crossmount = d.crossmountNamespace;

      it('Cross-mounting of a blob without the from argument should yield session id', async () => {
        const resp = await client.do('POST', '/v2/<name>/blobs/uploads/', { name: crossmount, query: { mount: d.dummyDigest } });
        expectStatus(resp, 202);
        expect(resp.header('location')).toBeTruthy();
      });

      it("POST request to mount another repository's blob should return 201 or 202", async () => {
        const resp = await client.do('POST', '/v2/<name>/blobs/uploads/', {
          name: crossmount,
          query: { mount: d.testBlobA.digest, from: client.defaultName },
        });
        expectStatus(resp, 201, 202);
        lastResponse = resp;
      });

      it('GET request to test digest within cross-mount namespace should return 200', async ({ skip }) => {
        skip(lastResponse!.status !== 201, 'you have skipped this test.');
        expect(relativeLocation(lastResponse!)).toBe(`/v2/${crossmount}/blobs/${d.testBlobA.digest}`);
        const resp = await http().send('GET', relativeLocation(lastResponse!));
        expectStatus(resp, 200);
      });

      it('Cross-mounting of nonexistent blob should yield session id', async ({ skip }) => {
        skip(lastResponse!.status !== 202, 'you have skipped this test.');
        expect(relativeLocation(lastResponse!).startsWith(`/v2/${crossmount}/blobs/uploads/`)).toBe(true);
      });

      it('Cross-mounting without from, and automatic content discovery enabled should return a 201', async ({ skip }) => {
        skip(!s.runAutomaticCrossmountTest, 'you have skipped this test.');
        skip(lastResponse!.status !== 201, 'you have skipped this test.');
        skip(!s.automaticCrossmountEnabled, 'you have skipped this test.');
        const resp = await client.do('POST', '/v2/<name>/blobs/uploads/', { name: crossmount, query: { mount: d.testBlobA.digest } });
        expectStatus(resp, 201);
      });

      it('Cross-mounting without from, and automatic content discovery disabled should return a 202', async ({ skip }) => {
        skip(!s.runAutomaticCrossmountTest, 'you have skipped this test.');
        skip(lastResponse!.status !== 201, 'you have skipped this test.');
        skip(s.automaticCrossmountEnabled, 'you have skipped this test.');
        const resp = await client.do('POST', '/v2/<name>/blobs/uploads/', { name: crossmount, query: { mount: d.testBlobA.digest } });
        expectStatus(resp, 202);
      });
    });

    describe('Manifest Upload', () => {
      it('GET nonexistent manifest should return 404', async () => {
        const resp = await client.do('GET', '/v2/<name>/manifests/<reference>', { reference: d.nonexistentManifest });
        expectStatus(resp, 404);
      });

      it('PUT should accept a manifest upload', async () => {
        for (let i = 0; i < 4; i++) {
          const resp = await client.pushManifest(`test${i}`, d.manifests[1]!.content, OCI_MANIFEST);
          expect(resp.header('location')).toBeTruthy();
          expectStatus(resp, 201);
        }
      });

      it('Registry should accept a manifest upload with no layers', async () => {
        const resp = await client.pushManifest(d.emptyLayerTestTag, d.emptyLayerManifestContent, OCI_MANIFEST);
        // Upstream only warns when this is refused; Berth must accept it.
        expectStatus(resp, 201);
        emptyLayerManifestRef = resp.header('location') ?? '';
        expect(emptyLayerManifestRef).not.toBe('');
      });

      it('GET request to manifest URL (digest) should yield 200 response', async () => {
        const resp = await client.do('GET', '/v2/<name>/manifests/<digest>', {
          digest: d.manifests[1]!.digest,
          headers: { accept: OCI_MANIFEST },
        });
        expectStatus(resp, 200);
      });
    });

    describe('Teardown', () => {
      const deleteManifests = async () => {
        let resp = await client.do('DELETE', '/v2/<name>/manifests/<digest>', { digest: d.manifests[1]!.digest });
        expectSuccessOr(resp, 405);
        if (emptyLayerManifestRef !== '') {
          resp = await client.do('DELETE', '/v2/<name>/manifests/<reference>', { reference: d.emptyLayerManifestDigest });
          expectSuccessOr(resp, 405);
        }
      };

      if (s.deleteManifestBeforeBlobs) {
        it('Delete manifest created in tests', async ({ skip }) => {
          skip(!s.runPushSetup, 'you have skipped this test.');
          await deleteManifests();
        });
      }

      it('Delete config blob created in tests', async ({ skip }) => {
        skip(!s.runPushSetup, 'you have skipped this test.');
        const resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: d.configs[1]!.digest });
        expectSuccessOr(resp, 404, 405);
      });

      it('Delete layer blob created in setup', async ({ skip }) => {
        skip(!s.runPushSetup, 'you have skipped this test.');
        const resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: d.layerBlobDigest });
        expectSuccessOr(resp, 404, 405);
      });

      if (!s.deleteManifestBeforeBlobs) {
        it('Delete manifest created in tests', async ({ skip }) => {
          skip(!s.runPushSetup, 'you have skipped this test.');
          await deleteManifests();
        });
      }
    });
  });
}
