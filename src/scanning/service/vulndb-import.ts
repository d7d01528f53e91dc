import type { Logger } from '../../util/logger.js';
import type { EventStore } from '../../metadata/event-store.js';
import type { VulnDbStore } from '../../metadata/vulndb-store.js';
import { importVulnDb, type ImportSummary, type ImportVulnDbOptions } from '../vulndb/import.js';
import { vulnDbUpdatedEvent } from './events.js';
import { systemClock } from '../../util/clock.js';

/**
 * `berth vulndb import` against the registry's metadata store: imports the path, then, when the
 * database changed, writes a `vulndb.updated` outbox event so a running server (any node) queues
 * continuous re-evaluation. A server that was down catches up at start (the version it last
 * re-evaluated is stored), so the event only makes it prompt.
 */
export async function importAndAnnounce(
  stores: { vulnDb: VulnDbStore; events: EventStore },
  path: string,
  log: Logger,
  options: ImportVulnDbOptions & { actor?: string } = {},
): Promise<ImportSummary> {
  const summary = await importVulnDb(stores.vulnDb, path, log, options);
  if (summary.changed) {
    const at = (options.now ?? systemClock)();
    await stores.events.append([vulnDbUpdatedEvent({ version: summary.version, source: summary.source, actor: options.actor ?? 'berth:cli', at })]);
  }
  return summary;
}
