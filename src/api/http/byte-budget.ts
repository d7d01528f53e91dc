/**
 * A bound on the bytes a group of requests may hold in memory at once (for the ECR API: bodies read
 * before their signature could be checked). Each request takes a claim and covers what it holds as
 * it grows; a claim the budget cannot cover is refused, and releasing returns it all.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly capacity: number) {}

  /** Bytes currently claimed. */
  get inUse(): number {
    return this.used;
  }

  claim(): ByteClaim {
    let held = 0;
    return {
      cover: (bytes) => {
        if (bytes <= held) return true;
        if (this.used + (bytes - held) > this.capacity) return false;
        this.used += bytes - held;
        held = bytes;
        return true;
      },
      release: () => {
        this.used -= held;
        held = 0;
      },
    };
  }
}

export interface ByteClaim {
  /** Makes the claim at least `bytes`; false (and unchanged) when the budget cannot. */
  cover(bytes: number): boolean;
  /** Returns everything claimed (idempotent). */
  release(): void;
}
