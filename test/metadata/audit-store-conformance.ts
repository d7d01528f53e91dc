/** Conformance cases for the AuditStore, run inside describeMetadataStoreConformance against every implementation. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/metadata/audit-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import { at } from './conformance-helpers.js';

const entry = (seconds: number, action: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  at: at(seconds),
  actor: 'arn:aws:iam::111111111111:user/ci',
  action,
  outcome: 'succeeded',
  ...extra,
});

export function describeAuditStoreConformance(current: () => { store: MetadataStore }): void {
  describe('audit store', () => {
    let store: MetadataStore;
    beforeEach(() => {
      ({ store } = current());
    });

    it('keeps every field of an entry, and only the ones given', async () => {
      const full: AuditEntry = {
        at: at(1),
        accountId: '111111111111',
        actor: 'anonymous',
        action: 'ecr:PutImage',
        resource: 'team/app',
        outcome: 'denied',
        sourceIp: '192.0.2.7',
        requestId: 'req-1',
        eventId: 42,
        detail: { digest: 'sha256:abc', nested: { n: 1, list: ['a'] } },
      };
      await store.audit.append([full, entry(2, 'ecr:ListImages')]);
      await store.audit.append([]);
      const [second, first] = await store.audit.list({ limit: 10 });
      expect(first).toEqual({ ...full, id: first!.id });
      expect(second).toEqual({ ...entry(2, 'ecr:ListImages'), id: second!.id });
      expect(second!.id).toBeGreaterThan(first!.id);
    });

    it('lists newest first, filtered by account, action and time, paging backwards by id', async () => {
      await store.audit.append([
        entry(1, 'ecr:PutImage', { accountId: '111111111111' }),
        entry(2, 'ecr:PutImage', { accountId: '222222222222' }),
        entry(3, 'ecr:DeleteRepository', { accountId: '111111111111' }),
      ]);
      await store.audit.append([entry(4, 'ecr:PutImage', { accountId: '111111111111' }), entry(5, 'iam:CreateUser')]);
      const seconds = (entries: AuditEntry[]) => entries.map((e) => (e.at.getTime() - at(0).getTime()) / 1000);

      const all = await store.audit.list({ limit: 10 });
      expect(seconds(all)).toEqual([5, 4, 3, 2, 1]);
      expect(seconds(await store.audit.list({ accountId: '111111111111', limit: 10 }))).toEqual([4, 3, 1]);
      expect(seconds(await store.audit.list({ action: 'ecr:PutImage', limit: 10 }))).toEqual([4, 2, 1]);
      expect(seconds(await store.audit.list({ accountId: '111111111111', action: 'ecr:PutImage', limit: 10 }))).toEqual([4, 1]);
      expect(seconds(await store.audit.list({ since: at(3), limit: 10 }))).toEqual([5, 4, 3]);

      const page1 = await store.audit.list({ limit: 2 });
      const page2 = await store.audit.list({ beforeId: page1.at(-1)!.id, limit: 2 });
      const page3 = await store.audit.list({ beforeId: page2.at(-1)!.id, limit: 2 });
      expect([seconds(page1), seconds(page2), seconds(page3)]).toEqual([[5, 4], [3, 2], [1]]);
    });

    it('writes an entry of an outbox event once, however often it is delivered', async () => {
      await store.audit.append([entry(1, 'ecr:PutImage', { eventId: 7 }), entry(1, 'ecr:PutImage', { eventId: 7 }), entry(2, 'ecr:TagResource')]);
      await store.audit.append([entry(3, 'ecr:PutImage', { eventId: 7 }), entry(3, 'ecr:PutImage', { eventId: 8 })]);
      const listed = await store.audit.list({ limit: 10 });
      expect(listed.map((e) => [e.action, e.eventId])).toEqual([
        ['ecr:PutImage', 8],
        ['ecr:TagResource', undefined],
        ['ecr:PutImage', 7],
      ]);
    });
  });
}
