import { scanSummaries } from '../../api/ecr/operations/index.js';
import type { ModuleContext } from '../module.js';
import { type AccessOverrides, accessModule } from './access.js';
import { auditModule } from './audit.js';
import { gcModule } from './gc.js';
import { lifecycleModule } from './lifecycle.js';
import { metricsModule } from './metrics.js';
import { registryModule } from './registry.js';
import { scanningModule } from './scanning.js';

/**
 * Berth's feature modules, created over one core. Their order is the order their routes mount
 * (the metrics and audit hooks first, so they see every request) and their subscribers are delivered to; what
 * one module takes from another is passed here, explicitly.
 */
export async function createModules(ctx: ModuleContext, overrides: AccessOverrides = {}) {
  const scanning = scanningModule(ctx);
  return {
    metrics: await metricsModule(ctx),
    audit: auditModule(ctx),
    registry: registryModule(ctx, { scanSummaries: scanSummaries(scanning.service.service) }),
    gc: gcModule(ctx),
    lifecycle: lifecycleModule(ctx),
    scanning,
    access: await accessModule(ctx, overrides),
  };
}

export type BerthModules = Awaited<ReturnType<typeof createModules>>;
