import type { ServerProcess } from '../server-process.js';

/** A registry the suite can start on a fresh data directory and drive over /v2. */
export interface RegistryServer {
  /** Column/row label, e.g. "Berth" or "distribution 2.8.2". */
  readonly label: string;
  start(dataDir: string): Promise<ServerProcess>;
}
