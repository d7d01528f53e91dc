import { describe, expect, it } from 'vitest';
import { releaseBuffer } from '../../src/storage/release-buffer.js';

describe('releaseBuffer', () => {
  it('frees a buffer that owns its memory: it is empty afterwards', () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    expect(releaseBuffer(chunk)).toBe(true);
    expect(chunk.length).toBe(0);
    expect(chunk.buffer.byteLength).toBe(0);
  });

  it('leaves a slice of a larger buffer, a pooled small buffer and a tiny buffer intact', () => {
    const whole = Buffer.alloc(128 * 1024, 1);
    const slice = whole.subarray(0, 64 * 1024);
    const pooled = Buffer.from('a small string lives in the shared pool');
    const tiny = Buffer.alloc(100, 2);
    for (const buffer of [slice, pooled, tiny]) expect(releaseBuffer(buffer)).toBe(false);
    expect(whole.length).toBe(128 * 1024);
    expect(slice[0]).toBe(1);
    expect(pooled.toString()).toBe('a small string lives in the shared pool');
    expect(tiny.length).toBe(100);
  });

  it('leaves shared memory, which cannot be detached, intact', () => {
    const shared = Buffer.from(new SharedArrayBuffer(64 * 1024));
    expect(releaseBuffer(shared)).toBe(false);
    expect(shared.length).toBe(64 * 1024);
  });
});
