export interface BenchArgs {
  /** Suite names to run; empty means all. */
  only: string[];
  quick: boolean;
  list: boolean;
  help: boolean;
  priority: boolean;
}

export const USAGE = `usage: npm run bench -- [--only <suite>[,<suite>…]] [--quick] [--priority] [--list]

  --only <names>  run only these suites (comma-separated, or repeat the flag)
  --quick         smaller sizes and shorter runs: a smoke test, not a measurement
  --priority      run in a session of its own with raised CPU priority (root; for shared machines)
  --list          list the suites and exit`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { only: [], quick: false, list: false, help: false, priority: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--list') args.list = true;
    else if (arg === '--priority') args.priority = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new Error('--only needs a suite name');
      args.only.push(...value.split(',').map((s) => s.trim()).filter(Boolean));
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return args;
}
