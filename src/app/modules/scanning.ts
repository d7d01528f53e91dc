import { scanningOperations } from '../../api/ecr/operations/index.js';
import { type Scanning, createScanning } from '../../scanning/service/index.js';
import { type BerthModule, type ModuleContext, serviceDeps } from '../module.js';

/**
 * Vulnerability scanning: scan, rescan and feed-update jobs, the feed updates' schedule (when
 * `scanning.feeds.updateIntervalSeconds` is set), the subscriber that scans on push and
 * re-evaluates after database updates, the ECR scanning operations, and at start a catch-up on
 * database updates no running server saw. (DescribeImages' scan summaries are wired into the
 * registry module.)
 */
export function scanningModule({ core, config }: ModuleContext): BerthModule<Scanning> {
  const scanning = createScanning({ ...serviceDeps(core, 'scanning'), blobs: core.blobs, options: config.scanning });
  return {
    name: 'scanning',
    service: scanning,
    jobs: scanning.jobs,
    schedules: scanning.schedules,
    subscriptions: [scanning.subscription],
    ecrOperations: scanningOperations(scanning.service),
    start: scanning.catchUp,
  };
}
