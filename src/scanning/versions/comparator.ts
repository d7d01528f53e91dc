/** Orders two versions of one ecosystem: negative when a < b, 0 when equal, positive when a > b. */
export interface VersionComparator {
  readonly scheme: string;
  compare(a: string, b: string): number;
  /** False for strings the scheme cannot order; range evaluation then skips the package. */
  isValid(version: string): boolean;
}

export class InvalidVersionError extends Error {
  constructor(
    readonly scheme: string,
    readonly version: string,
  ) {
    super(`'${version}' is not a valid ${scheme} version`);
    this.name = 'InvalidVersionError';
  }
}

export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
