import { lifecycleOperations } from '../../api/ecr/operations/index.js';
import { type Lifecycle, createLifecycle, lifecycleJobs, lifecycleSchedule } from '../../lifecycle/index.js';
import { type BerthModule, type ModuleContext, serviceDeps } from '../module.js';

/** Lifecycle policies and the archive storage class: runs (daily by default), previews, restores, and their ECR operations. */
export function lifecycleModule({ core, config }: ModuleContext): BerthModule<Lifecycle> {
  const lifecycle = createLifecycle({ ...serviceDeps(core, 'lifecycle'), options: config.lifecycle });
  return {
    name: 'lifecycle',
    service: lifecycle,
    jobs: lifecycleJobs(lifecycle),
    schedules: [lifecycleSchedule(config.lifecycle.intervalSeconds)],
    ecrOperations: lifecycleOperations(lifecycle),
  };
}
