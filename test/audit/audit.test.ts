import { describe, expect, it } from 'vitest';
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST } from '../support/media-types.js';
import { sha256 } from '../support/digest.js';
import { descriptorOf, manifestDocument } from '../support/oci.js';
import { useRegistry } from '../api/oci/helpers.js';

const { registry, client } = useRegistry();

async function pushImage(repo: ReturnType<typeof client>, tag: string): Promise<string> {
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const layer = Buffer.from(`layer for ${tag}`);
  expect((await repo.pushBlob(config)).status).toBe(201);
  expect((await repo.pushBlob(layer)).status).toBe(201);
  const manifest = Buffer.from(JSON.stringify(manifestDocument({ config: descriptorOf(config, OCI_CONFIG), layers: [descriptorOf(layer, OCI_LAYER)] })));
  const res = await repo.pushManifest(tag, manifest, OCI_MANIFEST);
  expect(res.status).toBe(201);
  return sha256(manifest);
}

describe('audit log', () => {
  it('records a push as a request record and, through the outbox, as a change with its actor', async () => {
    const repo = client();
    const digest = await pushImage(repo, 'v1');
    const { app } = registry();
    await app.audit.flush();
    await app.events.drain();

    const entries = await app.store.audit.list({ limit: 100 });
    const request = entries.find((e) => e.action === `v2:PUT /v2/${repo.defaultName}/manifests/v1`);
    expect(request).toMatchObject({ outcome: 'succeeded', actor: 'anonymous', detail: { status: 201 } });
    expect(request?.requestId).toBeTruthy();

    const change = entries.find((e) => e.action === 'ecr:PutImage' && e.resource === repo.defaultName);
    expect(change).toMatchObject({ outcome: 'succeeded', actor: 'anonymous', detail: { digest, tag: 'v1', event: 'image.pushed' } });
    expect(change?.eventId).toBeGreaterThan(0);
  });

  it('writes each outbox event at most once even when delivered again', async () => {
    const repo = client();
    await pushImage(repo, 'again');
    const { app } = registry();
    await app.events.drain();
    const before = await app.store.audit.list({ action: 'ecr:PutImage', limit: 1000 });
    const events = await app.store.events.list({ type: 'image.pushed', limit: 1000 });
    const { auditSubscription } = await import('../../src/audit/event-sink.js');
    const { parseEvent } = await import('../../src/domain/events/index.js');
    await auditSubscription(app.store.audit).handle(events.map((e) => {
      const parsed = parseEvent(e);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.event;
    }));
    const after = await app.store.audit.list({ action: 'ecr:PutImage', limit: 1000 });
    expect(after.length).toBe(before.length);
  });

  it('does not record reads, but records refused reads', async () => {
    const repo = client();
    await pushImage(repo, 'read');
    const { app } = registry();
    expect((await repo.do('GET', '/v2/<name>/manifests/<reference>', { reference: 'read' })).status).toBe(200);
    await app.audit.flush();
    const entries = await app.store.audit.list({ limit: 1000 });
    expect(entries.some((e) => e.action.startsWith('v2:GET'))).toBe(false);
  });
});
