/**
 * `npm run bench` — builds Berth, then runs the suites in bench/suites/ and prints one table.
 * See bench/README.md.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, USAGE } from './lib/args.js';
import { MachineState } from './lib/machine.js';
import { WORK_ROOT } from './lib/paths.js';
import { priorityNote, withPriority } from './lib/priority.js';
import { loadSuites } from './lib/suites.js';
import { type Judged, judge, renderTable } from './lib/table.js';
import { lockWorkRoot } from './lib/work-lock.js';

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.priority && !args.list) {
    const launched = await withPriority();
    if (launched !== undefined) return launched;
  }
  const suites = await loadSuites();
  if (args.list) {
    for (const suite of suites) console.log(`${suite.name.padEnd(16)} ${suite.description}`);
    return 0;
  }
  const unknown = args.only.filter((name) => !suites.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(`no such suite: ${unknown.join(', ')} (available: ${suites.map((s) => s.name).join(', ')})`);
  }
  const selected = args.only.length > 0 ? suites.filter((s) => args.only.includes(s.name)) : suites;

  lockWorkRoot(WORK_ROOT);
  const machine = new MachineState(WORK_ROOT);
  const results: Judged[] = [];
  for (const suite of selected) {
    const workDir = join(WORK_ROOT, suite.name);
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    const log = (message: string) => console.error(`[${suite.name}] ${message}`);
    log(`starting${args.quick ? ' (quick)' : ''}: ${suite.description}`);
    const started = Date.now();
    const rows = await suite.run({ workDir, quick: args.quick, log });
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    results.push(...rows.map((row) => judge(suite.name, row)));
  }

  console.log('');
  console.log(renderTable(results));
  console.log('');
  console.log(machine.describe());
  console.log(priorityNote() ?? 'scheduling: default priority (no --priority)');
  if (args.quick) console.log('quick run: sizes and durations are reduced; the figures are a smoke test, not a measurement');
  const failed = results.filter((r) => r.pass === false).length;
  console.log(failed === 0 ? 'all targets met' : `${failed} target(s) missed`);
  // A quick run's figures are not measurements, so only a full run fails on a missed target.
  return failed > 0 && !args.quick ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
