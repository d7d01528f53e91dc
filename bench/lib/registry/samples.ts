import type { RegistryServer } from '../servers/types.js';

/** Repeated measurements of one metric, per server. */
export class Samples {
  private readonly values = new Map<RegistryServer, number[]>();

  add(server: RegistryServer, value: number): void {
    this.values.set(server, [...this.of(server), value]);
  }

  of(server: RegistryServer): number[] {
    return this.values.get(server) ?? [];
  }
}
