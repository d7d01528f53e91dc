/**
 * Matching on caller input runs on the event loop, so a check whose time grows faster than its
 * input stalls every tenant. Each check here runs on ever longer adversarial inputs (long runs of
 * what the pattern accepts, then one character it refuses) and must stay within a budget of CPU
 * time at every size. Sizes grow from small, and the first size over budget ends the run, so a backtracking
 * matcher fails in about a second instead of stalling the test run for minutes.
 */
import { describe, expect, it } from 'vitest';
import { ecrModel, getShape } from '../../src/api/ecr/model/index.js';
import type { AnyOperationDefinition } from '../../src/api/ecr/operation.js';
import { accessOperations, lifecycleOperations, registryOperations, scanningOperations } from '../../src/api/ecr/operations/index.js';
import { compileJavaPattern } from '../../src/api/ecr/validation/patterns.js';
import { validateShape } from '../../src/api/ecr/validation/validate.js';
import { isValidDigest } from '../../src/domain/digest.js';
import { isValidMediaType } from '../../src/domain/manifest/descriptor.js';
import { isValidRepositoryName, isValidTag } from '../../src/domain/reference.js';
import { IAM_PATH, USER_NAME } from '../../src/iam/ids.js';
import { contextLookup } from '../../src/iam/policy/context.js';
import { evaluate, parsePolicy, type ContextInput } from '../../src/iam/policy/index.js';
import { matchConditions } from '../../src/iam/policy/match.js';
import { substitute } from '../../src/iam/policy/variables.js';
import { actionMatch, arnMatch, globMatch, pattern, resourceMatch } from '../../src/iam/policy/wildcard.js';
import { compileTagPattern } from '../../src/lifecycle/policy/tag-matcher.js';
import { isTagImmutable } from '../../src/registry/tag-mutability.js';
import { parseJavaArchive } from '../../src/scanning/inventory/analyzers/java.js';
import { matchesScanFilter } from '../../src/scanning/service/wildcard.js';
import { zipOf } from '../scanning/helpers/zip.js';

const BUDGET_MS = 50;

/**
 * CPU time of this process, not wall time: the unit tests run in parallel processes, and a check
 * must not fail because another one had the CPU.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The slowest run of `check` over the sizes (after one warm-up run at the first), stopping at the
 * first over budget. A run just over budget is timed again, to forgive a GC pause.
 */
function slowest(sizes: readonly number[], check: (size: number) => unknown): { size: number; ms: number } {
  const time = (size: number) => {
    const start = cpuMs();
    check(size);
    return cpuMs() - start;
  };
  time(sizes[0]!);
  let worst = { size: 0, ms: 0 };
  for (const size of sizes) {
    let ms = time(size);
    if (ms > BUDGET_MS && ms < 4 * BUDGET_MS) ms = Math.min(ms, time(size));
    if (ms > worst.ms) worst = { size, ms };
    if (ms > BUDGET_MS) break;
  }
  return worst;
}

function expectLinear(sizes: readonly number[], check: (size: number) => unknown): void {
  const worst = slowest(sizes, check);
  expect(worst.ms, `${worst.ms.toFixed(0)} ms at size ${worst.size}`).toBeLessThan(BUDGET_MS);
}

describe('model patterns on adversarial input', () => {
  // The implemented operations, as the app registers them (handlers are never called here).
  const stub: unknown = new Proxy(() => stub, { get: (_target, key) => (key === 'then' ? undefined : stub) });
  const operations: AnyOperationDefinition[] = [
    ...registryOperations({ registry: stub, download: stub } as never),
    ...accessOperations(stub as never),
    ...lifecycleOperations(stub as never),
    ...scanningOperations(stub as never),
  ];

  /** Pattern -> shapes that carry it, over every shape reachable from the operations' inputs. */
  const reachable = new Map<string, Set<string>>();
  const walk = (name: string, seen: Set<string>) => {
    if (seen.has(name)) return;
    seen.add(name);
    const shape = getShape(name);
    if (shape.pattern !== undefined) reachable.set(shape.pattern, (reachable.get(shape.pattern) ?? new Set()).add(name));
    for (const ref of [...Object.values(shape.members ?? {}), shape.member, shape.key, shape.value]) if (ref) walk(ref.shape, seen);
  };
  for (const op of operations) {
    const input = ecrModel.operations[op.name]!.input;
    if (input) walk(input.shape, new Set());
  }

  it('finds the patterns of the implemented operations', () => {
    expect(operations.length).toBeGreaterThan(35);
    const shapes = [...reachable.values()].flatMap((s) => [...s]);
    expect(shapes).toEqual(expect.arrayContaining(['RepositoryName', 'RegistryId', 'ScanningRepositoryFilterValue', 'ImageTagMutabilityExclusionFilterValue']));
  });

  /**
   * Characters worth repeating: one from each range and every single character of each class, the
   * shorthand classes, and literal characters; repeated alone and in pairs.
   */
  function units(source: string): string[] {
    const chars = new Set<string>();
    const shorthand: Record<string, string> = { w: 'a', d: '0', s: ' ', S: 'a' };
    for (let i = 0; i < source.length; i++) {
      const c = source[i]!;
      if (c === '\\') chars.add(shorthand[source[++i]!] ?? source[i]!);
      else if (c === '{') i = source.indexOf('}', i);
      else if (c === '[') {
        for (i++; i < source.length && source[i] !== ']'; i++) {
          if (source[i] === '\\') chars.add(shorthand[source[++i]!] ?? source[i]!);
          else if (source[i + 1] === '-' && source[i + 2] !== ']' && source[i + 2] !== undefined) {
            chars.add(source[i]!);
            i += 2;
          } else if (source[i] !== '^') chars.add(source[i]!);
        }
      } else if (!'^$()|*+?'.includes(c)) chars.add(c);
    }
    const singles = [...chars];
    return [...singles, ...singles.flatMap((a) => singles.filter((b) => b !== a).map((b) => a + b))];
  }

  const sizesFor = (max: number | undefined) => [...new Set([4, 8, 12, 16, 20, 24, 26, 28, 32, 64, 128, 256, max ?? 256, 10_000])].sort((a, b) => a - b);

  // Every pattern of the model, not only the reachable ones: an operation implemented later must not bring a slow one.
  const patterns = [...new Set(Object.values(ecrModel.shapes).flatMap((s) => (s.pattern ? [s.pattern] : [])))];
  it.each(patterns.map((p) => [reachable.has(p) ? [...reachable.get(p)!].join(', ') : 'unreachable', p]))('%s: %s', (_shapes, source) => {
    const re = compileJavaPattern(source);
    const max = Math.max(...Object.values(ecrModel.shapes).flatMap((s) => (s.pattern === source && s.max !== undefined ? [s.max] : [])));
    for (const unit of units(source)) {
      for (const tail of ['!', ' ']) expectLinear(sizesFor(Number.isFinite(max) ? max : undefined), (n) => re.test(unit.repeat(Math.ceil(n / unit.length)).slice(0, n - 1) + tail));
    }
  });

  it('validates the reported ScanningRepositoryFilterValue input at once', () => {
    const input = { rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: `${'a'.repeat(26)}!`, filterType: 'WILDCARD' }] }] };
    expectLinear([1], () => expect(validateShape('PutRegistryScanningConfigurationRequest', input)).toHaveLength(1));
  });
});

describe('wildcard matching on adversarial input', () => {
  const SIZES = [16, 32, 64, 128, 256, 1_000, 10_000, 100_000];
  const a = (n: number) => 'a'.repeat(n);
  const arn = (name: string) => `arn:aws:ecr:us-east-1:111122223333:repository/${name}`;

  it.each([
    'arn:aws:ecr:us-east-1:111122223333:repository/a*a*a*a*a*b',
    'arn:aws:ecr:us-east-1:111122223333:repository/a?a*a?a*a?a*a?a*b',
    'arn:aws:ecr:us-east-1:111122223333:repository/*a*a*a*a*a*?b',
    'arn:*:a*a*a*a*a*b',
  ])('Resource %s', (p) => {
    expectLinear(SIZES, (n) => expect(resourceMatch(pattern(p), arn(a(n)))).toBe(false));
  });

  it('Resource wildcards that stay inside one ARN segment', () => {
    expectLinear(SIZES, (n) => expect(resourceMatch(pattern('arn:aws:ecr:a*a*a*a*a*b:*'), `arn:aws:ecr:${a(n)}:111122223333:repository/x`)).toBe(false));
    expectLinear(SIZES, (n) => expect(resourceMatch(pattern('arn:aws:ecr:a?a*a?a*b*:*'), `arn:aws:ecr:${'a:'.repeat(n / 2)}:repository/x`)).toBe(false));
  });

  it('a repository policy Deny through the whole evaluation', () => {
    const policy = parsePolicy(
      { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'ecr:*', Resource: arn('a*a*a*a*a*b') }] },
      'resource',
    );
    const root = { kind: 'root', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root' } as const;
    expectLinear([16, 32, 64, 128, 256], (n) => {
      const request = { principal: root, action: 'ecr:SetRepositoryPolicy', resourceArn: arn(a(n)), resourceAccountId: '111122223333' };
      expect(evaluate(request, { resourcePolicy: policy }).decision).toBe('Allow');
    });
  });

  /** Whether a statement with this Condition block applies to a request with this context. */
  const holds = (condition: Record<string, unknown>, context: ContextInput) => {
    const policy = parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ecr:*', Resource: '*', Condition: condition } }, 'identity');
    return matchConditions(policy.statements[0]!, policy, contextLookup(context));
  };

  it.each(['a*a*a*a*a*b', '*a?a?a*a?a?a*?b', 'a*${aws:username}*a*a*b'])('StringLike %s against aws:UserAgent', (p) => {
    expectLinear(SIZES, (n) => expect(holds({ StringLike: { 'aws:UserAgent': p } }, { 'aws:UserAgent': a(n), 'aws:username': 'a' })).toBe(false));
  });

  it('StringLike patterns as pieces, ArnLike, and actions', () => {
    expectLinear(SIZES, (n) => expect(globMatch([{ text: 'a*a*' }, { text: 'a', literal: true }, { text: '*a*?b' }], a(n))).toBe(false));
    expectLinear(SIZES, (n) => expect(arnMatch(pattern('arn:aws:iam::*:user/a*a*a*a*a*b'), `arn:aws:iam::111122223333:user/${a(n)}`)).toBe(false));
    expectLinear(SIZES, (n) => expect(actionMatch('ecr:A*a*A*a*a*b', `ecr:${a(n)}`)).toBe(false));
  });

  it('ECR filters: scan filters, tag-mutability exclusions and lifecycle tag patterns', () => {
    expectLinear(SIZES, (n) => expect(matchesScanFilter('a*a*a*a*b', a(n))).toBe(false));
    const settings = { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const, imageTagMutabilityExclusionFilters: [{ filter: 'a*a*a*a*b', filterType: 'WILDCARD' as const }] };
    expectLinear(SIZES, (n) => expect(isTagImmutable(settings, a(n))).toBe(true));
    expectLinear(SIZES, (n) => expect(compileTagPattern('a*a*a*a*b')(a(n))).toBe(false));
  });

  it('policy variables: "${" without "}", and a default-less variable full of spaces', () => {
    expectLinear(SIZES, (n) => substitute(`x${'${'.repeat(n / 2)}`, () => undefined, true));
    expectLinear(SIZES, (n) => substitute(`\${a${' '.repeat(n)}b}`, () => undefined, true));
  });

  it('numbers in Numeric conditions, from the policy and from the request', () => {
    expectLinear(SIZES, (n) => expect(holds({ NumericEquals: { 'ecr:count': '10' } }, { 'ecr:count': `${'1'.repeat(n)}e` })).toBe(false));
    expectLinear(SIZES, (n) => expect(() => holds({ NumericEquals: { 'ecr:count': `${'1'.repeat(n)}e` } }, {})).toThrow(/not a number/));
  });
});

describe('other regular expressions on caller input', () => {
  const SIZES = [1_000, 100_000];
  const UNITS = ['a', '0', 'a-', 'a_', 'a__', 'a.', 'a/', '/', 'a:', 'A+/=', '1-', ' '];
  const pom = (line: string) => zipOf([{ name: 'META-INF/maven/g/a/pom.properties', content: `groupId=g\nartifactId=a\n${line}\n` }]);
  const adversarial = (check: (s: string) => unknown, prefixes = ['']) => {
    for (const prefix of prefixes) for (const unit of UNITS) expectLinear(SIZES, (n) => check(`${prefix}${unit.repeat(Math.ceil(n / unit.length))}!`));
  };

  it.each([
    ['repository names (OCI grammar)', isValidRepositoryName, ['']],
    ['tags', isValidTag, ['']],
    ['digests', isValidDigest, ['', 'sha256:']],
    ['media types', isValidMediaType, ['', 'application/']],
    ['base64 blobs', (s: string) => validateShape('UploadLayerPartRequest', { layerPartBlob: s }), ['']],
    ['IAM user names and paths', (s: string) => [USER_NAME.test(s), IAM_PATH.test(s)], ['', '/']],
  ] as const)('%s', (_name, check, prefixes) => adversarial(check, [...prefixes]));

  it.each([
    ['a pom.properties line full of spaces', (n: number) => [pom(`version=1${' '.repeat(n)}x`), 'a.jar'] as const],
    ['a jar named like name-1-1-1…', (n: number) => [zipOf([{ name: 'README', content: 'x' }]), `a${'-1'.repeat(n)}!.jar`] as const],
  ])('Maven coordinates from pushed jars: %s', async (_name, make) => {
    for (const n of [10, 1_000, 10_000, 100_000]) {
      const [jar, fileName] = make(n);
      const start = cpuMs();
      await parseJavaArchive(jar, fileName);
      const ms = cpuMs() - start;
      // The first, small run warms the zip reader up.
      if (n > 10) expect(ms, `${ms.toFixed(0)} ms at size ${n}`).toBeLessThan(BUDGET_MS);
    }
  });
});
