import { DownloadUrlSigner } from '../../api/ecr/download/signer.js';
import { layerDownloadRoute } from '../../api/ecr/download/route.js';
import { type ImageScanSummaries, registryOperations } from '../../api/ecr/operations/index.js';
import { clientScheme } from '../../api/url-scheme.js';
import type { Registry } from '../../registry/index.js';
import { uploadPurgeJob, uploadPurgeSchedule } from '../../registry/upload-purge.js';
import type { BerthModule, ModuleContext } from '../module.js';

/**
 * The registry (repositories, blobs, uploads, manifests; opened with the core): the hourly purge
 * of idle uploads, the ECR operations over it, and the route that serves the layer download URLs
 * GetDownloadUrlForLayer signs. `/v2` is its other adapter, mounted by the app.
 */
export function registryModule({ core, config, secret }: ModuleContext, deps: { scanSummaries?: ImageScanSummaries } = {}): BerthModule<Registry> {
  const { registry } = core;
  const signer = new DownloadUrlSigner(secret.derive('ecr-layer-download'));
  return {
    name: 'registry',
    service: registry,
    jobs: [uploadPurgeJob({ uploads: registry.uploads, staleAfterSeconds: config.uploads.staleAfterSeconds, now: core.clock })],
    schedules: [uploadPurgeSchedule],
    ecrOperations: registryOperations({
      registry,
      download: { signer, publicUrl: config.publicUrl, scheme: clientScheme(config) },
      scanSummaries: deps.scanSummaries,
    }),
    routes: [
      async (server) => {
        await server.register(layerDownloadRoute, { registry, signer });
      },
    ],
  };
}
