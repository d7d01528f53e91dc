import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/paths.js';
import { rawTar } from '../../scanning/helpers/raw-tar.js';

/** The Debian 12 fixtures: installed-package databases and the OSV records that match them. */
export const DEBIAN_FIXTURES = join(REPO_ROOT, 'test/fixtures/vulndb/debian-bookworm');

/** A Debian bookworm minbase layer (its dpkg database from the fixtures), made unique by one random file: 16 findings. */
export function debianLayer(): Buffer {
  const installed = (name: string) => readFileSync(join(DEBIAN_FIXTURES, 'installed', name));
  return rawTar([
    { name: 'etc/os-release', content: installed('minbase.os-release') },
    { name: 'etc/debian_version', content: installed('minbase.debian_version') },
    { name: 'var/lib/dpkg/status', content: installed('minbase.status') },
    { name: 'srv/unique', content: randomBytes(32) },
  ]);
}
