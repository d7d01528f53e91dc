/** Port of conformance/04_management_test.go: the Content Management workflow (deletes). */
import { describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../../../support/media-types.js';
import { relativeLocation } from '../harness/http.js';
import { type ConformanceContext, expectStatus, expectSuccessOr } from './context.js';

export function managementWorkflow(ctx: ConformanceContext): void {
  const { client, data: d, settings: s } = ctx;
  const defaultTagName = 'tagtest0';
  let tagToDelete = '';
  let numTags = 0;
  let blobDeleteAllowed = true;

  const populateBlob = async (content: Buffer, digest: string) => {
    const started = await client.do('POST', '/v2/<name>/blobs/uploads/');
    const resp = await client.http().send('PUT', relativeLocation(started), {
      query: { digest },
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
    });
    expectSuccessOr(resp);
  };
  const countTags = async () => {
    const resp = await client.do('GET', '/v2/<name>/tags/list');
    expectStatus(resp, 200);
    // Upstream unmarshals the body and requires that to succeed.
    return resp.json<{ tags: string[] }>().tags.length;
  };

  describe('Content Management', () => {
    describe('Setup', () => {
      it('Populate registry with test config blob', async ({ skip }) => {
        skip(!s.runContentManagementSetup, 'you have skipped this test.');
        await populateBlob(d.configs[3]!.content, d.configs[3]!.digest);
      });

      it('Populate registry with test layer', async ({ skip }) => {
        skip(!s.runContentManagementSetup, 'you have skipped this test.');
        await populateBlob(d.layerBlobData, d.layerBlobDigest);
      });

      it('Populate registry with test tag', async ({ skip }) => {
        skip(!s.runContentManagementSetup, 'you have skipped this test.');
        tagToDelete = defaultTagName;
        const resp = await client.pushManifest(tagToDelete, d.manifests[3]!.content, OCI_MANIFEST);
        expectSuccessOr(resp);
      });

      it('Check how many tags there are before anything gets deleted', async ({ skip }) => {
        skip(!s.runContentManagementSetup, 'you have skipped this test.');
        numTags = await countTags();
      });
    });

    describe('Manifest delete', () => {
      it('DELETE request to manifest tag should return 202, unless tag deletion is disallowed (400/405)', async () => {
        const resp = await client.do('DELETE', '/v2/<name>/manifests/<reference>', { reference: tagToDelete });
        expectStatus(resp, 400, 202, 405);
        if (resp.status === 400) expect(resp.errorCode()).toBe('UNSUPPORTED');
      });

      it('DELETE request to manifest (digest) should yield 202 response unless already deleted', async () => {
        const resp = await client.do('DELETE', '/v2/<name>/manifests/<digest>', { digest: d.manifests[3]!.digest });
        // In the case that the previous request was accepted, this may or may not fail (which is ok).
        expectStatus(resp, 202, 404);
      });

      it('GET request to deleted manifest URL should yield 404 response, unless delete is disallowed', async () => {
        const resp = await client.do('GET', '/v2/<name>/manifests/<digest>', { digest: d.manifests[3]!.digest });
        expectStatus(resp, 404, 200);
      });

      it('GET request to tags list should reflect manifest deletion', async () => {
        expect(await countTags()).toBeLessThan(numTags);
      });
    });

    describe('Blob delete', () => {
      it('DELETE request to blob URL should yield 202 response', async ({ skip }) => {
        skip(!s.runContentManagementSetup, 'you have skipped this test.');
        // config blob
        let resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: d.configs[3]!.digest });
        expectStatus(resp, 202, 404, 405);
        // layer blob
        resp = await client.do('DELETE', '/v2/<name>/blobs/<digest>', { digest: d.layerBlobDigest });
        expectStatus(resp, 202, 404, 405);
        if (resp.status === 405) blobDeleteAllowed = false;
      });

      it('GET request to deleted blob URL should yield 404 response', async ({ skip }) => {
        skip(!s.runContentManagementSetup, 'you have skipped this test.');
        skip(!blobDeleteAllowed, 'you have skipped this test.');
        const resp = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: d.configs[3]!.digest });
        expectStatus(resp, 404);
      });
    });
    // Teardown: "No teardown required at this time for content management tests" (no specs upstream).
  });
}
