import type { Row, Target } from './types.js';

export interface Judged {
  suite: string;
  row: Row;
  ratio?: number;
  /** undefined for informational rows. */
  pass?: boolean;
}

export function judge(suite: string, row: Row): Judged {
  const ratio = row.baseline && row.baseline.value > 0 ? row.berth / row.baseline.value : undefined;
  return { suite, row, ratio, pass: row.target && meets(row.target, row.berth, ratio) };
}

function meets(target: Target, value: number, ratio: number | undefined): boolean {
  switch (target.kind) {
    case 'ratio-at-least':
      return ratio !== undefined && ratio >= target.value;
    case 'at-most':
      return value <= target.value;
    case 'at-least':
      return value >= target.value;
  }
}

function describe(target: Target | undefined, unit: string): string {
  if (!target) return 'info';
  switch (target.kind) {
    case 'ratio-at-least':
      return `≥ ${target.value}×`;
    case 'at-most':
      return `≤ ${target.value} ${unit}`;
    case 'at-least':
      return `≥ ${target.value} ${unit}`;
  }
}

function figure(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

/** One Markdown-style table for every suite's rows, then numbered notes. */
export function renderTable(rows: readonly Judged[]): string {
  const baselineNames = [...new Set(rows.flatMap((r) => (r.row.baseline ? [r.row.baseline.name] : [])))];
  const header = ['suite', 'metric', 'Berth', baselineNames.length === 1 ? baselineNames[0]! : 'baseline', 'ratio', 'target', 'result'];
  const notes: string[] = [];
  const body = rows.map(({ suite, row, ratio, pass }) => {
    let metric = row.metric;
    if (row.note) {
      notes.push(row.note);
      metric += ` [${notes.length}]`;
    }
    return [
      suite,
      metric,
      figure(row.berth, row.unit),
      row.baseline ? figure(row.baseline.value, row.unit) + (baselineNames.length > 1 ? ` (${row.baseline.name})` : '') : '—',
      ratio !== undefined ? `${ratio.toFixed(2)}×` : '—',
      describe(row.target, row.unit),
      pass === undefined ? '—' : pass ? 'PASS' : 'FAIL',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  if (notes.length > 0) out.push('', ...notes.map((n, i) => `[${i + 1}] ${n}`));
  return out.join('\n');
}
