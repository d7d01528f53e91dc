import { lifecycleOperations } from '../../api/ecr/operations/index.js';
import { type Lifecycle, createLifecycle, lifecycleJobs, lifecycleSchedule } from '../../lifecycle/index.js';
import type { BerthModule, ModuleContext } from '../module.js';

/** Lifecycle policies and the archive storage class: runs (daily by default), previews, restores, and their ECR operations. */
export function lifecycleModule({ core, config }: ModuleContext): BerthModule<Lifecycle> {
  const lifecycle = createLifecycle({
    store: core.store,
    registry: core.registry,
    jobs: core.jobs,
    now: core.clock,
    log: core.log.child({ component: 'lifecycle' }),
    options: config.lifecycle,
  });
  return {
    name: 'lifecycle',
    service: lifecycle,
    jobs: lifecycleJobs(lifecycle),
    schedules: [lifecycleSchedule(config.lifecycle.intervalSeconds)],
    ecrOperations: lifecycleOperations(lifecycle),
  };
}
