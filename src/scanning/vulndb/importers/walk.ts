import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

/** Files under `root` (recursively, in name order, skipping dot-entries like .git) whose name passes `accept`. */
export async function* walkFiles(root: string, accept: (name: string) => boolean): AsyncGenerator<string> {
  const names: { name: string; dir: boolean }[] = [];
  for await (const entry of await opendir(root)) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) names.push({ name: entry.name, dir: true });
    else if (entry.isFile() && accept(entry.name)) names.push({ name: entry.name, dir: false });
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name, dir } of names) {
    if (dir) yield* walkFiles(join(root, name), accept);
    else yield join(root, name);
  }
}

export const isOsvFileName = (name: string): boolean => /\.(json|ya?ml)$/i.test(name);
