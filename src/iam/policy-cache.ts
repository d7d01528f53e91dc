import { DomainError } from '../domain/errors.js';
import { parsePolicy, type Policy, type PolicyKind } from './policy/index.js';

/**
 * Parsed policies by their text. Stored documents were validated when they were put, and the same
 * few documents are read on every request, so parsing each once keeps authorization cheap while
 * every request still reads the current text (a changed policy applies to the next request).
 */
export class PolicyCache {
  private readonly parsed = new Map<string, Policy>();

  constructor(private readonly limit = 1000) {}

  get(document: string, kind: PolicyKind): Policy {
    const key = `${kind}\n${document}`;
    const hit = this.parsed.get(key);
    if (hit) {
      // Re-insert so the least recently used entry is the one evicted.
      this.parsed.delete(key);
      this.parsed.set(key, hit);
      return hit;
    }
    let policy: Policy;
    try {
      policy = parsePolicy(document, kind);
    } catch (err) {
      // Fail closed: a stored policy that no longer parses must not silently grant or ignore anything.
      throw new DomainError('Internal', `a stored ${kind} policy cannot be parsed: ${(err as Error).message}`);
    }
    if (this.parsed.size >= this.limit) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(key, policy);
    return policy;
  }
}
