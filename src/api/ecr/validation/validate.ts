/**
 * Checks a parsed JSON request against a model shape: JSON types first (a wrong type is a
 * deserialization failure in AWS, answered before constraints), then required members, lengths,
 * value ranges, patterns and enums. Members the model does not know are ignored, and JSON null is
 * treated as absent, as AWS's JSON deserializer does.
 */
import { getShape } from '../model/index.js';
import type { Shape, ShapeRef } from '../model/index.js';
import { constraintText, typeMismatchText } from './messages.js';
import type { Wording } from './messages.js';
import { compileJavaPattern } from './patterns.js';

export interface TypeViolation {
  kind: 'type';
  /** Full path for logs, e.g. `imageIds[0].imageTag`. */
  path: string;
  message: string;
}

export interface ConstraintViolation {
  kind: 'constraint';
  path: string;
  /** The parameter name ECR reports (the nearest structure member). */
  member: string;
  constraint: string;
}

export type Violation = TypeViolation | ConstraintViolation;

/** Where a value sits: the member ECR names, and how nested wording wraps the constraint text. */
interface Site {
  path: string;
  member: string;
  wrap?: (inner: string) => string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_LIMIT = 2 ** 63;
/**
 * Padded standard base64, with the length checked apart (a multiple of 4): the same language as
 * /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, whose repeated group
 * overflows V8's stack on a value over ~3 MiB (an UploadLayerPart answered 500).
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function validateShape(shapeName: string, value: unknown): Violation[] {
  const violations: Violation[] = [];
  visit({ shape: shapeName }, value, { path: '', member: '' }, violations);
  return violations;
}

function visit(ref: ShapeRef, value: unknown, site: Site, out: Violation[]): void {
  if (value === null || value === undefined) return;
  const shape = getShape(ref.shape);
  switch (shape.type) {
    case 'structure':
      return visitStructure(shape, value, site, out);
    case 'list':
      return visitList(shape, value, site, out);
    case 'map':
      return visitMap(shape, value, site, out);
    case 'string':
      return visitString(shape, value, site, out);
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return visitNumber(shape, value, site, out);
    case 'boolean':
      if (typeof value !== 'boolean') typeError(site, value, 'a Boolean', out);
      return;
    case 'timestamp':
      // AWS JSON 1.1 sends timestamps as epoch seconds (a JSON number, fractions allowed).
      if (typeof value !== 'number' || !Number.isFinite(value)) typeError(site, value, 'a Date', out);
      return;
    case 'blob':
      return visitBlob(shape, value, site, out);
  }
}

function visitStructure(shape: Shape, value: unknown, site: Site, out: Violation[]): void {
  if (!isPlainObject(value)) return typeError(site, value, 'a Structure', out);
  const required = new Set(shape.required ?? []);
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const memberValue = Object.hasOwn(value, name) ? value[name] : undefined;
    const memberSite: Site = { path: site.path ? `${site.path}.${name}` : name, member: name };
    if (memberValue === null || memberValue === undefined) {
      if (required.has(name)) constraint(memberSite, constraintText.required(), out);
      continue;
    }
    visit(member, memberValue, memberSite, out);
  }
}

function visitList(shape: Shape, value: unknown, site: Site, out: Violation[]): void {
  if (!Array.isArray(value)) return typeError(site, value, 'a List', out);
  if (shape.min !== undefined && value.length < shape.min) constraint(site, constraintText.minLength(shape.min), out);
  else if (shape.max !== undefined && value.length > shape.max) constraint(site, constraintText.maxLength(shape.max), out);
  const elementSite = (i: number): Site => ({
    path: `${site.path}[${i}]`,
    member: site.member,
    wrap: (inner) => wrapped(site, constraintText.listMember(inner)),
  });
  value.forEach((element, i) => {
    if (element === null || element === undefined) constraint(elementSite(i), constraintText.required(), out);
    else visit(shape.member!, element, elementSite(i), out);
  });
}

function visitMap(shape: Shape, value: unknown, site: Site, out: Violation[]): void {
  if (!isPlainObject(value)) return typeError(site, value, 'a Map', out);
  const entries = Object.entries(value);
  if (shape.min !== undefined && entries.length < shape.min) constraint(site, constraintText.minLength(shape.min), out);
  else if (shape.max !== undefined && entries.length > shape.max) constraint(site, constraintText.maxLength(shape.max), out);
  for (const [key, entryValue] of entries) {
    const path = `${site.path}[${JSON.stringify(key)}]`;
    visit(shape.key!, key, { path, member: site.member, wrap: (inner) => wrapped(site, constraintText.mapKey(inner)) }, out);
    const valueSite: Site = { path, member: site.member, wrap: (inner) => wrapped(site, constraintText.mapValue(inner)) };
    if (entryValue === null || entryValue === undefined) constraint(valueSite, constraintText.required(), out);
    else visit(shape.value!, entryValue, valueSite, out);
  }
}

function visitString(shape: Shape, value: unknown, site: Site, out: Violation[]): void {
  if (typeof value !== 'string') return typeError(site, value, 'a String', out);
  const wording: Wording = site.wrap ? 'nested' : 'member';
  if (shape.enum && !shape.enum.includes(value)) {
    return constraint(site, constraintText.enumValues(shape.enum), out);
  }
  const length = codePointLength(value);
  if (shape.min !== undefined && length < shape.min) {
    return constraint(site, constraintText.stringMinLength(shape.min, wording), out);
  }
  if (shape.max !== undefined && length > shape.max) {
    return constraint(site, constraintText.stringMaxLength(shape.max, wording), out);
  }
  // Checked only within the length bounds, so no regex ever runs over an oversized value.
  if (shape.pattern !== undefined && !compileJavaPattern(shape.pattern).test(value)) {
    constraint(site, constraintText.pattern(shape.pattern, wording), out);
  }
}

function visitNumber(shape: Shape, value: unknown, site: Site, out: Violation[]): void {
  const javaType = { integer: 'an Integer', long: 'a Long', double: 'a Double', float: 'a Float' }[
    shape.type as 'integer' | 'long' | 'double' | 'float'
  ];
  if (typeof value !== 'number' || !Number.isFinite(value)) return typeError(site, value, javaType, out);
  const integral = shape.type === 'integer' || shape.type === 'long';
  const bounds = shape.type === 'integer' ? value >= INT32_MIN && value <= INT32_MAX : Math.abs(value) < INT64_LIMIT;
  if (integral && (!Number.isInteger(value) || !bounds)) return typeError(site, value, javaType, out);
  if (shape.min !== undefined && value < shape.min) constraint(site, constraintText.minValue(shape.min), out);
  else if (shape.max !== undefined && value > shape.max) constraint(site, constraintText.maxValue(shape.max), out);
}

function visitBlob(shape: Shape, value: unknown, site: Site, out: Violation[]): void {
  if (typeof value !== 'string') return typeError(site, value, 'a ByteBuffer', out);
  if (value.length % 4 !== 0 || !BASE64.test(value)) {
    out.push({ kind: 'type', path: site.path, message: typeMismatchText.invalidBase64() });
    return;
  }
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const bytes = (value.length / 4) * 3 - padding;
  if (shape.min !== undefined && bytes < shape.min) constraint(site, constraintText.minLength(shape.min), out);
  else if (shape.max !== undefined && bytes > shape.max) constraint(site, constraintText.maxLength(shape.max), out);
}

function constraint(site: Site, text: string, out: Violation[]): void {
  out.push({ kind: 'constraint', path: site.path, member: site.member, constraint: site.wrap ? site.wrap(text) : text });
}

function wrapped(site: Site, text: string): string {
  return site.wrap ? site.wrap(text) : text;
}

function typeError(site: Site, value: unknown, javaType: string, out: Violation[]): void {
  let message: string;
  if (Array.isArray(value)) message = typeMismatchText.listWhereNotExpected();
  else if (isPlainObject(value)) message = typeMismatchText.structureWhereNotExpected();
  else if (javaType === 'a Structure') message = typeMismatchText.expectedStructure(jsonToken(value));
  else if (javaType === 'a List') message = typeMismatchText.expectedList(jsonToken(value));
  else message = typeMismatchText.cannotConvert(jsonToken(value), javaType);
  out.push({ kind: 'type', path: site.path, message });
}

function jsonToken(value: unknown): string {
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  if (typeof value === 'boolean') return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
  return 'VALUE';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Length in Unicode code points (Smithy's definition of a string's length). */
function codePointLength(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
