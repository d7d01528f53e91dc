/**
 * PostgreSQL and S3 for an e2e test file (the e2e project has no engines global setup): a private
 * PostgreSQL of the file's own (~1.5 s), and the S3 server named by BERTH_TEST_S3_ENDPOINT (+
 * _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, as for the engines project), else a private Ceph RGW
 * (~15 s). Missing engines skip the file's tests, or fail them under CI=true (requireEngines).
 */
import type { TestContext } from 'vitest';
import { type CephRgw, cephRgwUnavailable, startCephRgw } from '../../engines/ceph-rgw.js';
import type { S3Coordinates } from '../../engines/engines.js';
import { type Postgres, postgresUnavailable, startPostgres } from '../../engines/postgres.js';
import { requireCondition } from './tools.js';

export interface FileEngines {
  /** The server's superuser URL (postgres://postgres@127.0.0.1:<port>/postgres). */
  postgresUrl: string;
  createDatabase(name: string): Promise<string>;
  s3: S3Coordinates;
  stop(): Promise<void>;
}

/** Skips (or under CI fails) the test unless PostgreSQL and an S3 server can be had. */
export function requireEngines(ctx: TestContext): void {
  const pg = postgresUnavailable();
  requireCondition(ctx, pg === undefined, `PostgreSQL: ${pg}`);
  const rgw = process.env.BERTH_TEST_S3_ENDPOINT ? undefined : cephRgwUnavailable();
  requireCondition(ctx, rgw === undefined, `Ceph RGW: ${rgw}`);
}

export async function startFileEngines(): Promise<FileEngines> {
  let postgres: Postgres | undefined;
  let rgw: CephRgw | undefined;
  try {
    const given = process.env.BERTH_TEST_S3_ENDPOINT;
    [postgres, rgw] = await Promise.all([startPostgres(), given ? undefined : startCephRgw()]);
    const s3: S3Coordinates = given
      ? {
          endpoint: given,
          region: process.env.BERTH_TEST_S3_REGION ?? 'us-east-1',
          accessKeyId: process.env.BERTH_TEST_S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: process.env.BERTH_TEST_S3_SECRET_ACCESS_KEY ?? '',
        }
      : { endpoint: rgw!.endpoint, region: rgw!.region, accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey };
    const pg = postgres;
    return {
      postgresUrl: pg.url,
      createDatabase: (name) => pg.createDatabase(name),
      s3,
      stop: async () => {
        await Promise.allSettled([pg.stop(), rgw?.stop()]);
      },
    };
  } catch (err) {
    await Promise.allSettled([postgres?.stop(), rgw?.stop()]);
    throw err;
  }
}
