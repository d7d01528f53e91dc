/** ListImageReferrers over referrers pushed through /v2. */
import { describe, expect, it } from 'vitest';
import { CreateRepositoryCommand, InvalidParameterException, ListImageReferrersCommand, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { blob, image } from '../../../support/oci.js';
import { OCI_EMPTY, OCI_MANIFEST } from '../../../support/media-types.js';
import { rejection, uniqueName, useBerth, v2Of } from './harness.js';

const berth = useBerth();

describe('ListImageReferrers', () => {
  it('lists the artifacts whose subject is the image, filtered by type, page by page', async () => {
    const name = uniqueName('refs');
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const v2 = v2Of(berth());
    const subject = image();
    await v2.pushImage(name, 'v1', subject);
    const empty = blob(Buffer.from('{}'), OCI_EMPTY);
    const referrer = (artifactType: string, n: number) =>
      image({
        config: empty,
        layers: [blob(Buffer.from(`payload ${n}`), 'application/octet-stream')],
        extra: {
          artifactType,
          subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: Buffer.byteLength(subject.manifest) },
          annotations: { n: String(n) },
        },
      });
    const pushed = [];
    for (let n = 0; n < 7; n++) {
      const r = referrer(n % 2 === 0 ? 'application/vnd.example.sig' : 'application/spdx+json', n);
      await v2.pushImage(name, r.digest, r);
      pushed.push(r);
    }
    const all = await berth().ecr.send(new ListImageReferrersCommand({ repositoryName: name, subjectId: { imageDigest: subject.digest } }));
    expect(all.referrers).toHaveLength(7);
    const first = pushed[0]!;
    expect(all.referrers?.find((r) => r.digest === first.digest)).toEqual({
      digest: first.digest,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sig',
      size: Buffer.byteLength(first.manifest),
      annotations: { n: '0' },
      artifactStatus: 'ACTIVE',
    });
    const sboms = await berth().ecr.send(
      new ListImageReferrersCommand({ repositoryName: name, subjectId: { imageDigest: subject.digest }, filter: { artifactTypes: ['application/spdx+json'] } }),
    );
    expect(sboms.referrers?.map((r) => r.artifactType)).toEqual(['application/spdx+json', 'application/spdx+json', 'application/spdx+json']);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await berth().ecr.send(
        new ListImageReferrersCommand({ repositoryName: name, subjectId: { imageDigest: subject.digest }, maxResults: 3, nextToken }),
      );
      expect(page.referrers!.length).toBeLessThanOrEqual(3);
      seen.push(...page.referrers!.map((r) => r.digest ?? ''));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(new Set(seen)).toEqual(new Set(pushed.map((r) => r.digest)));
    const archived = await berth().ecr.send(
      new ListImageReferrersCommand({ repositoryName: name, subjectId: { imageDigest: subject.digest }, filter: { artifactStatus: 'ARCHIVED' } }),
    );
    expect(archived.referrers).toEqual([]);
  });

  it('answers an empty list for a subject without referrers, and names bad input', async () => {
    const name = uniqueName('refs');
    await berth().ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const none = await berth().ecr.send(new ListImageReferrersCommand({ repositoryName: name, subjectId: { imageDigest: `sha256:${'0'.repeat(64)}` } }));
    expect(none.referrers).toEqual([]);
    expect(
      await rejection(berth().ecr.send(new ListImageReferrersCommand({ repositoryName: name, subjectId: { imageDigest: 'sha256:abc' } }))),
    ).toBeInstanceOf(InvalidParameterException);
    expect(
      await rejection(berth().ecr.send(new ListImageReferrersCommand({ repositoryName: 'absent/repo', subjectId: { imageDigest: `sha256:${'0'.repeat(64)}` } }))),
    ).toBeInstanceOf(RepositoryNotFoundException);
  });
});
