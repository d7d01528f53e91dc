/**
 * Validation of tar entry names and link targets. Nothing is extracted, but a layer that tries to
 * write outside the image root is hostile (or broken) and fails the scan rather than being
 * reinterpreted.
 */
export class HostileEntryError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'HostileEntryError';
  }
}

/** "./usr/bin/" → "usr/bin"; the root itself → "". Rejects absolute names and '..' components. */
export function normalizeEntryPath(name: string): string {
  if (name.startsWith('/')) throw new HostileEntryError(`entry '${name}' has an absolute path`, name);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new HostileEntryError(`entry '${name}' has a '..' path component`, name);
    parts.push(part);
  }
  return parts.join('/');
}

/** A hard link names another entry of the archive, so the same rules apply to its target. */
export function normalizeHardlinkTarget(entry: string, target: string): string {
  if (target.startsWith('/')) throw new HostileEntryError(`hard link '${entry}' points to absolute path '${target}'`, entry);
  try {
    return normalizeEntryPath(target);
  } catch {
    throw new HostileEntryError(`hard link '${entry}' points outside the image root ('${target}')`, entry);
  }
}

/**
 * Throws when a relative symlink target climbs above the image root. Absolute targets are fine:
 * inside a container they resolve from the container's root.
 */
export function checkSymlinkTarget(entry: string, target: string): void {
  if (target.startsWith('/')) return;
  let depth = entry.split('/').length - 1; // directories above the link itself
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      depth--;
      if (depth < 0) throw new HostileEntryError(`symlink '${entry}' points outside the image root ('${target}')`, entry);
    } else depth++;
  }
}

/** The path a symlink at `entry` resolves to inside the image ("" for the root). */
export function resolveSymlink(entry: string, target: string): string {
  const base = target.startsWith('/') ? [] : entry.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') base.pop();
    else base.push(part);
  }
  return base.join('/');
}
