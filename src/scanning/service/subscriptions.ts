import type { Logger } from '../../util/logger.js';
import type { StoredEvent } from '../../metadata/event-store.js';
import type { ScanStore } from '../../metadata/scan-store.js';
import { RegistryEvent } from '../../registry/events.js';
import { ScanningEvent } from './events.js';
import type { ScanningService } from './service.js';

/** The outbox subscriber's name (its cursor is created when the app is built; see index.ts). */
export const SCANNING_SUBSCRIBER = 'scanning';

export const SUBSCRIBED_EVENTS = [RegistryEvent.ImagePushed, RegistryEvent.ImageDeleted, RegistryEvent.RepositoryDeleted, ScanningEvent.VulnDbUpdated];

/**
 * Reacts to registry and database events: scan on push, drop SBOMs nothing uses any more, and
 * queue a continuous re-evaluation when `berth vulndb import` changed the database. Every step is
 * idempotent, since the outbox delivers at least once.
 */
export function scanningSubscriber(deps: {
  service: ScanningService;
  scans: ScanStore;
  triggerRescan: (force: boolean) => Promise<void>;
  log: Logger;
}): (events: StoredEvent[]) => Promise<void> {
  return async (events) => {
    let rescan = false;
    for (const event of events) {
      const p = event.payload;
      switch (event.type) {
        case RegistryEvent.ImagePushed:
          if (event.accountId && typeof p.repositoryName === 'string' && typeof p.digest === 'string') {
            const queued = await deps.service.scanOnPush(event.accountId, p.repositoryName, p.digest);
            if (queued) deps.log.debug({ repository: p.repositoryName, digest: p.digest }, 'scan on push queued');
          }
          break;
        case RegistryEvent.ImageDeleted:
          if (typeof p.digest === 'string') await deps.scans.pruneSboms([p.digest]);
          break;
        case RegistryEvent.RepositoryDeleted:
          await deps.scans.pruneSboms();
          break;
        case ScanningEvent.VulnDbUpdated:
          rescan = true;
          break;
      }
    }
    if (rescan) await deps.triggerRescan(false);
  };
}
