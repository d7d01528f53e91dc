/**
 * Talking to the Berth under test: pushing the benchmark image over /v2 (the layer streamed from
 * its file) and timing scans through the ECR API, as a client would see them.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { DescribeImageScanFindingsCommand, ECRClient, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { procStatusBytes } from '../../lib/proc.js';
import { pushSmallBlob, sha256, startUpload } from '../../lib/registry-client.js';

export async function pushLayerFile(baseUrl: string, repo: string, path: string, digest: string): Promise<void> {
  const url = await startUpload(baseUrl, repo, digest);
  const response = await fetch(url, {
    method: 'PUT',
    body: Readable.toWeb(createReadStream(path)) as ReadableStream,
    headers: { 'Content-Type': 'application/octet-stream' },
    duplex: 'half',
  } as RequestInit);
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`layer upload answered ${response.status}`);
}

/** Pushes a manifest over the layer with its own config (so each has a digest no scan has seen). */
export async function pushImage(baseUrl: string, repo: string, tag: string, layer: { digest: string; diffId: string; size: number }): Promise<string> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { tag } }, rootfs: { type: 'layers', diff_ids: [layer.diffId] } }));
  const configDigest = await pushSmallBlob(baseUrl, repo, config);
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }],
  });
  const response = await fetch(`${baseUrl}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'Content-Type': mediaType } });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`manifest push answered ${response.status}`);
  return sha256(manifest);
}

export function ecrClient(baseUrl: string): ECRClient {
  // BERTH_AUTH_MODE=none: ECR calls act as the default account's root whatever the signature.
  return new ECRClient({ endpoint: baseUrl, region: 'us-east-1', credentials: { accessKeyId: 'AKIABENCHSCAN0000000', secretAccessKey: 'unused' }, maxAttempts: 1 });
}

export interface TimedScan {
  seconds: number;
  /** The server's peak resident set during the scan (VmHWM after resetting it), or the process's overall peak when it cannot be reset. */
  peakBytes: number;
  peakIsScanOnly: boolean;
  counts: Record<string, number>;
}

/** StartImageScan, then DescribeImageScanFindings every 20 ms until the scan settles. */
export async function timeScan(ecr: ECRClient, pid: number, repositoryName: string, imageTag: string): Promise<TimedScan> {
  let peakIsScanOnly = true;
  try {
    // "5" resets the kernel's peak-RSS counter for the process (proc(5), clear_refs).
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    peakIsScanOnly = false;
  }
  let peak = procStatusBytes(pid, 'VmRSS') ?? 0;
  const sampler = setInterval(() => (peak = Math.max(peak, procStatusBytes(pid, 'VmRSS') ?? 0)), 50);
  try {
    const started = process.hrtime.bigint();
    await ecr.send(new StartImageScanCommand({ repositoryName, imageId: { imageTag } }));
    for (;;) {
      const out = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageTag } }));
      const status = out.imageScanStatus?.status;
      if (status !== 'IN_PROGRESS') {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (status !== 'COMPLETE') throw new Error(`the scan ended ${status}: ${out.imageScanStatus?.description}`);
        peak = Math.max(peak, procStatusBytes(pid, 'VmHWM') ?? 0);
        return { seconds, peakBytes: peak, peakIsScanOnly, counts: (out.imageScanFindings?.findingSeverityCounts ?? {}) as Record<string, number> };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    clearInterval(sampler);
  }
}
