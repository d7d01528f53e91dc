/**
 * Signed layer download URLs (GetDownloadUrlForLayer when storage cannot presign its own): a path
 * naming the account, repository and digest, with an expiry and an HMAC over all four, so the URL
 * works with plain `curl` until it expires and cannot be altered to reach another blob.
 *
 *   /ecr-download/<account>/<repository>/blobs/<digest>?expires=<unix seconds>&signature=<base64url>
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RepositoryKey } from '../../../domain/reference.js';

export const DOWNLOAD_PREFIX = '/ecr-download/';
const MAC_CONTEXT = 'berth-ecr-layer-download-v1';

export interface DownloadGrant {
  key: RepositoryKey;
  digest: string;
  /** Unix seconds. */
  expires: number;
}

export class DownloadUrlSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 16) throw new Error('download URL secret must be at least 16 bytes');
  }

  /** Path and query of a URL valid for `ttlSeconds`. */
  sign(key: RepositoryKey, digest: string, ttlSeconds: number): string {
    const expires = Math.floor(this.now() / 1000) + ttlSeconds;
    const signature = this.mac({ key, digest, expires });
    return `${DOWNLOAD_PREFIX}${key.accountId}/${key.name}/blobs/${digest}?expires=${expires}&signature=${signature}`;
  }

  /** 'valid', or why not. */
  check(grant: DownloadGrant, signature: string): 'valid' | 'expired' | 'invalid' {
    const expected = Buffer.from(this.mac(grant));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return grant.expires * 1000 > this.now() ? 'valid' : 'expired';
  }

  private mac({ key, digest, expires }: DownloadGrant): string {
    return createHmac('sha256', this.secret)
      .update(`${MAC_CONTEXT}\n${key.accountId}\n${key.name}\n${digest}\n${expires}`)
      .digest('base64url');
  }
}
