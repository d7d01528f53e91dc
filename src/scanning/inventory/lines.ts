/**
 * Line-at-a-time reading of a tar entry's body, for the package databases that are text (dpkg
 * status, apk installed, dpkg file lists, Python metadata): the file is never held whole, only
 * the line being read, so its size does not bound the scanner's memory. Lines are handed to a
 * synchronous sink chunk by chunk (no await per line).
 */
export interface LineSink<T> {
  /** One line without its "\n" (a trailing "\r" is the sink's business); false stops reading. */
  line(text: string): boolean | void;
  /** The end of the file (or of what the sink wanted): what the file held. */
  end(): T;
}

/** The file's content cannot be read as its format (a line too long, a record too large): it is skipped with a warning. */
export class FileContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileContentError';
  }
}

/** No line of a package database comes near this; a longer one is a broken or hostile file. */
const MAX_LINE_BYTES = 1024 * 1024;

export async function readLines<T>(body: AsyncIterable<Buffer>, sink: LineSink<T>, maxLineBytes = MAX_LINE_BYTES): Promise<T> {
  let carry: Buffer[] = [];
  let carried = 0;
  const tooLong = () => new FileContentError(`has a line longer than ${maxLineBytes} bytes`);
  for await (const chunk of body) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      if (carried + nl - start > maxLineBytes) throw tooLong();
      const piece = chunk.subarray(start, nl);
      const text = carried ? Buffer.concat([...carry, piece]).toString('utf8') : piece.toString('utf8');
      carry = [];
      carried = 0;
      start = nl + 1;
      if (sink.line(text) === false) return sink.end();
    }
    if (start < chunk.length) {
      carried += chunk.length - start;
      if (carried > maxLineBytes) throw tooLong();
      // A copy: a view would keep the whole decompressed chunk alive.
      carry.push(Buffer.from(chunk.subarray(start)));
    }
  }
  if (carried) sink.line(Buffer.concat(carry).toString('utf8'));
  return sink.end();
}
