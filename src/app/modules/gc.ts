import { GarbageCollector } from '../../gc/collector.js';
import { gcJob, gcSchedule } from '../../gc/job.js';
import type { BerthCore } from '../core.js';
import type { BerthModule, ModuleContext } from '../module.js';

/** Online garbage collection over the core's stores (also what `berth gc` runs beside a server). */
export function createCollector(core: BerthCore): GarbageCollector {
  return new GarbageCollector({
    store: core.store,
    blobs: core.blobs,
    log: core.log.child({ component: 'gc' }),
    purgeIdleUploads: (before) => core.registry.uploads.purgeIdle(before),
  });
}

/** Garbage collection: the scheduled `gc` job (every gc.intervalSeconds), also run on demand. */
export function gcModule({ core, config }: ModuleContext): BerthModule<GarbageCollector> {
  const collector = createCollector(core);
  return {
    name: 'gc',
    service: collector,
    jobs: [gcJob({ collector, graceSeconds: config.gc.graceSeconds, uploadIdleSeconds: config.uploads.staleAfterSeconds })],
    schedules: [gcSchedule(config.gc.intervalSeconds)],
  };
}
