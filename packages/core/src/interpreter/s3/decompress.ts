import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { StatesError } from '../../errors.js';

/**
 * Objects the ItemReader finds compressed: S3 inventory data files are gzip (`.csv.gz`), Athena
 * UNLOAD writes gzip by default and zstd on request. The codec is told by the object's first bytes
 * (gzip 1f 8b, zstd frame 28 b5 2f fd), never by its key, so an object is read the same whatever
 * it is called. zstd goes through fzstd (pure JS) so that Node 20, whose zlib has no zstd, reads
 * it too.
 */

export type Codec = 'GZIP' | 'ZSTD';

/** No more than this many bytes come out of one object: a small bomb must not take the worker down. */
export const MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

export function codecOf(bytes: Uint8Array): Codec | undefined {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'GZIP';
  if (bytes.length >= 4 && bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd) return 'ZSTD';
  return undefined;
}

/** The object's bytes, decompressed when they start as a gzip or zstd stream; `error` names the failure. */
export function decompressed(bytes: Uint8Array, key: string, error: string): Uint8Array {
  const codec = codecOf(bytes);
  if (codec === undefined) return bytes;
  let out: Uint8Array;
  try {
    out = codec === 'GZIP' ? gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES }) : zstdDecompress(bytes);
  } catch (e) {
    throw new StatesError(error, `The object '${key}' could not be decompressed (${codec}): ${(e as Error).message}`);
  }
  if (out.length > MAX_DECOMPRESSED_BYTES) throw new StatesError(error, `The object '${key}' decompresses to more than ${MAX_DECOMPRESSED_BYTES} bytes.`);
  return out;
}
