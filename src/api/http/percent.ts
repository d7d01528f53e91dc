/** Percent-decodes a request path (UTF-8); undefined when it is not valid percent-encoding. */
export function decodePercent(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
