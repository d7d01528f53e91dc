import { z } from 'zod';
import { RATE_QUOTA_BURST_SECONDS, RATE_QUOTA_DEFAULTS, type RateQuotaAction } from './rate-quotas.js';

/**
 * The `auth` section of the configuration (mounted in src/config/schema.ts). Berth authenticates
 * every request by default; `mode: none` is an explicit, development-only switch that serves /v2
 * to anyone and treats every ECR request as the default account's root.
 */
const bucket = z
  .object({
    /** Sustained requests per second; 0 turns the limit off. */
    perSecond: z.number().nonnegative(),
    /** Requests allowed in a burst above the sustained rate. */
    burst: z.number().int().positive(),
  })
  .strict();

export const authConfigSchema = z
  .object({
    mode: z.enum(['iam', 'none']).default('iam'),
    /**
     * The challenge /v2 answers unauthenticated requests with. `basic` is ECR's (Basic realm,
     * service "ecr.amazonaws.com"). `bearer` is the token flow of ECR Public and Docker Hub: docker
     * then fetches a token from /token (anonymously when not logged in), which is what lets docker
     * pull public repositories without `docker login`; docker refuses to send a request without
     * credentials to a registry that challenges with Basic.
     */
    challenge: z.enum(['basic', 'bearer']).default('basic'),
    /**
     * Key-encryption keys that seal access-key secrets and sign registry tokens, as text
     * (`<kid>:<base64 32 bytes>`, one per line or comma-separated; the first is active). Every node
     * of a deployment needs the same keys. Without this, `keyringFile` is read (and created).
     */
    keyring: z.string().min(1).optional(),
    /** Defaults to <dataDir>/keyring, created with mode 0600 on first start. */
    keyringFile: z.string().min(1).optional(),
    /** Root credentials of the default account; when absent they are generated on first start. */
    rootAccessKeyId: z
      .string()
      .regex(/^[A-Z0-9]{16,128}$/, 'must be 16-128 upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE')
      .optional(),
    rootSecretAccessKey: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * How long a looked-up access key (and so a registry token's validity) may be reused before it
     * is read again. The default 0 reads it on every request (a point lookup), so deleting or
     * deactivating a key takes effect at once on every node; raise it only for a remote metadata
     * store where that lookup costs a round trip.
     */
    credentialCacheSeconds: z.number().nonnegative().max(10).default(0),
    /** Rate limits on /v2 (token buckets); see rate-quotas.ts. */
    rateLimit: z
      .object({
        /**
         * Anonymous pulls (every read: manifests, blobs, tags, catalog) per client address: about
         * ECR Public's one unauthenticated image pull per second, an image being a manifest and a
         * few layers, with room for a burst.
         */
        anonymous: bucket.default({ perSecond: 5, burst: 60 }),
        /**
         * Authenticated requests per account (the caller's), per ECR action the /v2 request maps
         * to, as ECR counts its API rate quotas; the defaults are ECR's (RATE_QUOTA_DEFAULTS).
         */
        authenticated: z
          .object(
            Object.fromEntries(
              Object.entries(RATE_QUOTA_DEFAULTS).map(([action, perSecond]) => [
                action,
                bucket.default({ perSecond, burst: perSecond * RATE_QUOTA_BURST_SECONDS }),
              ]),
            ) as Record<RateQuotaAction, z.ZodDefault<typeof bucket>>,
          )
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
  })
  .strict()
  .refine((a) => (a.rootAccessKeyId === undefined) === (a.rootSecretAccessKey === undefined), {
    message: 'rootAccessKeyId and rootSecretAccessKey must be set together',
  });

export type AuthConfig = z.infer<typeof authConfigSchema>;
