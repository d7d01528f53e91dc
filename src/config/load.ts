import { readFileSync } from 'node:fs';
import { type Document, isScalar, parseDocument } from 'yaml';
import { ZodError } from 'zod';
import { type BerthConfig, type BerthConfigInput, configSchema } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** BERTH_* variables and the config path each sets. */
const ENV: Record<string, { path: string[]; type: 'string' | 'number' | 'boolean' }> = {
  BERTH_LISTEN: { path: ['listen'], type: 'string' },
  BERTH_DATA_DIR: { path: ['dataDir'], type: 'string' },
  BERTH_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  BERTH_REGION: { path: ['region'], type: 'string' },
  BERTH_ACCOUNT_ID: { path: ['accountId'], type: 'string' },
  BERTH_PUBLIC_URL: { path: ['publicUrl'], type: 'string' },
  BERTH_REGISTRY_HOST_TEMPLATE: { path: ['registryHostTemplate'], type: 'string' },
  BERTH_SERVER_SECRET: { path: ['serverSecret'], type: 'string' },
  BERTH_TLS_CERT: { path: ['tls', 'cert'], type: 'string' },
  BERTH_TLS_KEY: { path: ['tls', 'key'], type: 'string' },
  BERTH_CREATE_REPOSITORY_ON_PUSH: { path: ['registry', 'createRepositoryOnPush'], type: 'boolean' },
  BERTH_STORAGE_FSYNC: { path: ['storage', 'filesystem', 'fsync'], type: 'boolean' },
  BERTH_STORAGE_DRIVER: { path: ['storage', 'driver'], type: 'string' },
  BERTH_STORAGE_S3_ENDPOINT: { path: ['storage', 's3', 'endpoint'], type: 'string' },
  BERTH_STORAGE_S3_REGION: { path: ['storage', 's3', 'region'], type: 'string' },
  BERTH_STORAGE_S3_BUCKET: { path: ['storage', 's3', 'bucket'], type: 'string' },
  BERTH_STORAGE_S3_PREFIX: { path: ['storage', 's3', 'prefix'], type: 'string' },
  BERTH_METADATA_DRIVER: { path: ['metadata', 'driver'], type: 'string' },
  BERTH_POSTGRES_URL: { path: ['metadata', 'postgres', 'url'], type: 'string' },
  BERTH_POSTGRES_POOL_SIZE: { path: ['metadata', 'postgres', 'poolSize'], type: 'number' },
  BERTH_AUTH_MODE: { path: ['auth', 'mode'], type: 'string' },
  BERTH_AUTH_CHALLENGE: { path: ['auth', 'challenge'], type: 'string' },
  BERTH_KEYRING: { path: ['auth', 'keyring'], type: 'string' },
  BERTH_KEYRING_FILE: { path: ['auth', 'keyringFile'], type: 'string' },
  BERTH_ROOT_ACCESS_KEY_ID: { path: ['auth', 'rootAccessKeyId'], type: 'string' },
  BERTH_ROOT_SECRET_ACCESS_KEY: { path: ['auth', 'rootSecretAccessKey'], type: 'string' },
  BERTH_METRICS_ENABLED: { path: ['metrics', 'enabled'], type: 'boolean' },
  BERTH_METRICS_LISTEN: { path: ['metrics', 'listen'], type: 'string' },
  BERTH_METRICS_TOKEN: { path: ['metrics', 'token'], type: 'string' },
};

/**
 * Builds the configuration: defaults < YAML file < BERTH_* environment < explicit overrides (CLI
 * flags). Invalid values stop the start with one line per problem, naming the setting and its source.
 */
export function loadConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: BerthConfigInput;
}): Readonly<BerthConfig> {
  let input: Record<string, unknown> = {};
  if (options.file) input = readYaml(options.file);
  for (const [name, spec] of Object.entries(ENV)) {
    const raw = options.env?.[name];
    if (raw === undefined || raw === '') continue;
    setPath(input, spec.path, coerce(name, raw, spec.type));
  }
  input = merge(input, (options.overrides ?? {}) as Record<string, unknown>);
  try {
    return deepFreeze(configSchema.parse(input));
  } catch (err) {
    if (err instanceof ZodError) {
      const lines = err.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new ConfigError(`invalid configuration${options.file ? ` (${options.file} and environment)` : ''}:\n${lines.join('\n')}`);
    }
    throw err;
  }
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new ConfigError(`config file ${file} is not valid YAML: ${document.errors[0]!.message}`);
  const parsed: unknown = document.toJS();
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`config file ${file} must hold a mapping`);
  return { ...(parsed as Record<string, unknown>), ...accountIdAsWritten(document, file) };
}

/**
 * An unquoted account id is a YAML number (000000000000 is 0, 012345678901 loses its zero): take
 * the digits as written when they are 12, else say to quote it.
 */
function accountIdAsWritten(document: Document, file: string): { accountId?: string } {
  const node = document.get('accountId', true);
  if (!isScalar(node) || typeof node.value !== 'number') return {};
  const written = node.source ?? String(node.value);
  if (/^\d{12}$/.test(written)) return { accountId: written };
  throw new ConfigError(`config file ${file}: accountId ${written} is not 12 digits; write it as a quoted string of 12 digits, e.g. accountId: '012345678901'`);
}

function coerce(name: string, raw: string, type: 'string' | 'number' | 'boolean'): unknown {
  if (type === 'string') return raw;
  if (type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
    return n;
  }
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] =
      isPlainObject(value) && isPlainObject(current) ? merge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function listenAddress(config: BerthConfig): { host: string; port: number } {
  return hostPortOf(config.listen);
}

/** A validated HOST:PORT setting as what listen() takes (an IPv6 host without its brackets). */
export function hostPortOf(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(value.slice(at + 1)) };
}
