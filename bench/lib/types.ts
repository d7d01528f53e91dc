/**
 * What a benchmark suite is and what it reports. A suite is one file under bench/suites/ whose
 * default export satisfies `Suite`; bench/run.ts finds it by listing that directory.
 */

export interface SuiteContext {
  /** A fresh directory for this suite's data, under .bench-work/ (deleted at the start of every run). */
  workDir: string;
  /** Smaller sizes and shorter durations: a smoke run, not a measurement. */
  quick: boolean;
  /** Progress for the person watching (stderr); results go in the returned rows, not here. */
  log(message: string): void;
}

export interface Suite {
  /** What `--only` matches; lower-case, no spaces. */
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<Row[]>;
}

/** How a row passes: a minimum Berth/baseline ratio, or an absolute bound on Berth's figure. */
export type Target =
  | { kind: 'ratio-at-least'; value: number }
  | { kind: 'at-most'; value: number }
  | { kind: 'at-least'; value: number };

export interface Row {
  metric: string;
  /** Shown next to the figures, e.g. "MB/s", "req/s", "MB". */
  unit: string;
  berth: number;
  /** The same measurement against the comparison system, when there is one. */
  baseline?: { name: string; value: number };
  /** Absent for informational rows. */
  target?: Target;
  /** Whether a larger figure is better (for the ratio's reading; defaults to true). */
  higherIsBetter?: boolean;
  /** Extra context for the footnotes under the table (spread of the repetitions, caveats). */
  note?: string;
}
