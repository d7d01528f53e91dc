import type { Command } from 'commander';
import { verifyBlobs } from '../gc/verify.js';
import { formatVerifyProgress, formatVerifyReport } from '../gc/verify-report.js';
import { type CliIo, type StoreFlags, openOffline, processIo, withStoreOptions } from './offline.js';

export interface FsckFlags extends StoreFlags {
  quarantine?: boolean;
  json?: boolean;
}

const PROGRESS_EVERY_MS = 1000;

export function registerFsck(program: Command): void {
  withStoreOptions(
    program
      .command('fsck')
      .description('re-hash every stored blob and report missing, truncated or corrupted ones; safe while `berth serve` runs on the same data'),
  )
    .option('--quarantine', 'move damaged blob files aside (under quarantine/ in storage) so they are no longer served')
    .option('--json', 'print the report as JSON')
    .action(async (flags: FsckFlags) => {
      process.exitCode = await runFsck(flags, processIo());
    });
}

/** `berth fsck`: progress to stderr, the report to stdout. Exit code 0 when every blob is whole, 1 otherwise. */
export async function runFsck(flags: FsckFlags, io: CliIo): Promise<number> {
  const { store, blobs, log, close } = await openOffline(flags, io);
  try {
    let lastProgress = 0;
    let lastLine = '';
    const progress = (line: string) => {
      if (line !== lastLine) io.stderr.write(`${line}\n`);
      lastLine = line;
    };
    const report = await verifyBlobs(
      { store, blobs, log },
      {
        quarantine: flags.quarantine === true,
        signal: io.signal,
        onProgress: (sofar) => {
          if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = Date.now();
          progress(formatVerifyProgress(sofar));
        },
      },
    );
    progress(formatVerifyProgress(report));
    io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatVerifyReport(report, flags.quarantine === true)}\n`);
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    await close();
  }
}
