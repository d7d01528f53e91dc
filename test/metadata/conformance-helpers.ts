/** What the metadata conformance suites share: a clock origin, digests, the code of a DomainError, outbox events. */
import { DomainError } from '../../src/domain/errors.js';
import { outboxEvent } from '../../src/domain/events/index.js';
import type { OutboxEvent } from '../../src/metadata/event-store.js';
import { type RegistryEventDetail, type RegistryEventType, registryEvent } from '../../src/registry/events.js';

export const t0 = new Date('2026-01-01T00:00:00Z');
export const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);
export const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** The code of the DomainError `promise` rejects with (fails when it fulfils or rejects otherwise). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  throw new Error('expected a DomainError');
}

/** The DomainError code a promise rejected with, 'ok' when it fulfilled (for races: who won, who was told). */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

/** How many times each value occurs. */
export function count<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/**
 * Outbox events of the registry's own types, which the store keeps as they are: the conformance
 * cases write them and read back the ones their change committed.
 */
export function registryTestEvent<T extends RegistryEventType>(
  type: T,
  repository: { accountId: string; name: string },
  detail: RegistryEventDetail<T>,
  occurredAt: Date = t0,
): OutboxEvent {
  return registryEvent(type, repository, occurredAt, 'test', detail);
}

/** The event UpdateImageStorageClass writes when an image's storage state moves to `to`. */
export function storageClassEvent(
  to: 'ARCHIVED' | 'ACTIVATING' | 'ACTIVE',
  repository: { accountId: string; name: string },
  digest: string,
  occurredAt: Date = t0,
): OutboxEvent {
  const about = { accountId: repository.accountId, occurredAt };
  const payload = { repositoryName: repository.name, actor: 'test', action: 'ecr:UpdateImageStorageClass', digest };
  if (to === 'ARCHIVED') return outboxEvent('image.archived', { ...about, payload: { ...payload, targetStorageClass: 'ARCHIVE' } });
  if (to === 'ACTIVATING') return outboxEvent('image.restore.started', { ...about, payload: { ...payload, targetStorageClass: 'STANDARD' } });
  return outboxEvent('image.restored', { ...about, payload: { ...payload, cause: 'restore' } });
}
