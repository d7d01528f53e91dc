import { parse as parseYaml } from 'yaml';
import { osvShapeError, type OsvRecord } from '../../../domain/osv.js';
import type { FeedStats } from './feed.js';

/**
 * Parses one OSV document (a record, or an array of records) from JSON or YAML text. YAML uses the
 * failsafe schema so every scalar stays a string: with YAML's core schema `fixed: 1.10` would
 * become the number 1.1 and silently change the advisory.
 */
export function parseOsvText(text: string, file: string, yaml: boolean): unknown {
  try {
    return yaml ? parseYaml(text, { schema: 'failsafe', maxAliasCount: 100 }) : JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid ${yaml ? 'YAML' : 'JSON'} (${(err as Error).message.split('\n')[0]})`);
  }
}

/** Yields the usable records of a parsed document, recording problems and withdrawn ones in `stats`. */
export function* osvRecordsOf(doc: unknown, file: string, stats: FeedStats): Generator<OsvRecord> {
  const items = Array.isArray(doc) ? doc : [doc];
  for (const item of items) {
    const problem = osvShapeError(item);
    if (problem) {
      stats.problems.push({ file, message: `not an OSV record: ${problem}` });
      continue;
    }
    const record = item as OsvRecord;
    if (record.withdrawn) {
      stats.withdrawn++;
      continue;
    }
    yield record;
  }
}
