import { RegistryEvent } from '../../domain/events/registry.js';
import { ScanningEvent } from '../../domain/events/scanning.js';
import { defineSubscription } from '../../events/subscription.js';
import type { ScanStore } from '../../metadata/scan-store.js';
import type { Logger } from '../../util/logger.js';
import type { ScanningService } from './service.js';

/** The outbox subscriber's name (its cursor is created when the app is built, so pushes from then on are seen). */
const SCANNING_SUBSCRIBER = 'scanning';

/**
 * Reacts to registry and database events: scan on push, drop SBOMs nothing uses any more, and
 * queue a continuous re-evaluation when `berth vulndb import` changed the database. Every step is
 * idempotent, since the outbox delivers at least once.
 */
export function scanningSubscription(deps: {
  service: ScanningService;
  scans: ScanStore;
  triggerRescan: (force: boolean) => Promise<void>;
  log: Logger;
}) {
  return defineSubscription({
    name: SCANNING_SUBSCRIBER,
    types: [RegistryEvent.ImagePushed, RegistryEvent.ImageDeleted, RegistryEvent.RepositoryDeleted, ScanningEvent.VulnDbUpdated],
    handle: async (events) => {
      let rescan = false;
      for (const event of events) {
        switch (event.type) {
          case RegistryEvent.ImagePushed: {
            const { repositoryName, digest } = event.payload;
            const queued = await deps.service.scanOnPush(event.accountId, repositoryName, digest);
            if (queued) deps.log.debug({ repository: repositoryName, digest }, 'scan on push queued');
            break;
          }
          case RegistryEvent.ImageDeleted:
            await deps.scans.pruneSboms([event.payload.digest]);
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
    },
  });
}
