import type { ImageFacts } from './types.js';

/**
 * The repository snapshot in columns, built once per evaluation so every rule pass reads typed
 * arrays instead of image objects of varying shape. Times are the clocks the count types measure
 * (AWS ECR user guide, "Lifecycle policy evaluation rules"):
 *
 * - push (imageCountMoreThan ordering, sinceImagePushed): `pushed_at_time`, except that "if an image
 *   was archived and then restored at any point in the past, the image's last_activated_at is used
 *   instead of pushed_at_time". Applying it to sinceImagePushed too keeps a freshly restored image
 *   from being re-archived by the next run.
 * - pull (sinceImagePulled): `last_recorded_pulltime`; `pushed_at_time` if never pulled;
 *   `last_activated_at` if restored and not pulled since. The latest of the three is exactly that.
 * - archive (sinceImageTransitioned): `last_archived_at`.
 */
export interface ImageTable {
  readonly tags: readonly (readonly string[])[];
  /** 1 for images in ARCHIVE, 0 for STANDARD. */
  readonly archived: Uint8Array;
  readonly push: Float64Array;
  readonly pull: Float64Array;
  /** NaN for images without an archive time: such an image is never "archived more than N days". */
  readonly archive: Float64Array;
  /** Image indexes sorted oldest first by push clock, ties broken by digest (code-unit order). */
  readonly oldestFirst: Int32Array;
}

function time(date: Date | undefined): number {
  return date === undefined ? Number.NEGATIVE_INFINITY : date.getTime();
}

export function buildImageTable(images: readonly ImageFacts[]): ImageTable {
  const n = images.length;
  const tags: (readonly string[])[] = new Array(n);
  const archived = new Uint8Array(n);
  const push = new Float64Array(n);
  const pull = new Float64Array(n);
  const archive = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const image = images[i]!;
    const pushedAt = image.pushedAt.getTime();
    // A NaN here would make the sort order, and so imageCountMoreThan, arbitrary.
    if (Number.isNaN(pushedAt)) throw new TypeError(`image ${image.digest} has an invalid pushedAt`);
    const activatedAt = time(image.activatedAt);
    tags[i] = image.tags;
    archived[i] = image.storageClass === 'ARCHIVE' ? 1 : 0;
    push[i] = Math.max(pushedAt, activatedAt);
    pull[i] = Math.max(pushedAt, activatedAt, time(image.lastPulledAt));
    archive[i] = image.transitionedAt === undefined ? Number.NaN : image.transitionedAt.getTime();
  }

  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const byTime = push[a]! - push[b]!;
    if (byTime !== 0) return byTime;
    const da = images[a]!.digest;
    const db = images[b]!.digest;
    return da < db ? -1 : da > db ? 1 : 0;
  });
  return { tags, archived, push, pull, archive, oldestFirst: order };
}
