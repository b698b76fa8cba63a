import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { parquetReadObjects, type Compressors } from 'hyparquet';
import { StatesError } from '../../errors.js';

/**
 * Parquet objects as items, read with hyparquet (pure JS). Each row is an item: an object keyed by
 * the file's top-level column names. Values become JSON: 64-bit integers are numbers while they fit
 * a double exactly and decimal strings past that (no digit lost), timestamps and dates ISO-8601
 * strings, binary columns without a string type base64, lists and structs arrays and objects.
 * Column chunks may be compressed with SNAPPY (hyparquet's own), GZIP, BROTLI or ZSTD; LZO and LZ4
 * fail the read.
 */

const compressors: Compressors = {
  GZIP: (input) => gunzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
  ZSTD: (input) => zstdDecompress(input),
};

/** `PAR1` at both ends, as every Parquet file has. */
export function isParquet(bytes: Uint8Array): boolean {
  const magic = [0x50, 0x41, 0x52, 0x31];
  return bytes.length >= 12 && magic.every((b, i) => bytes[i] === b && bytes[bytes.length - 4 + i] === b);
}

/** The first `maxItems` rows of the Parquet object `bytes` as JSON values; `error` names the failure. */
export async function parquetItems(bytes: Uint8Array, key: string, maxItems: number, error: string): Promise<unknown[]> {
  if (!isParquet(bytes)) throw new StatesError(error, `The object '${key}' is not a Parquet file.`);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    // utf8: false keeps a BYTE_ARRAY without a string annotation as bytes (base64 below), so no
    // binary value is mangled; columns annotated as strings (or JSON) still decode as such.
    const rows = await parquetReadObjects({ file, compressors, rowEnd: maxItems, utf8: false });
    return rows.map((row) => jsonValue(row));
  } catch (e) {
    throw new StatesError(error, `The Parquet object '${key}' could not be read: ${(e as Error).message}`);
  }
}

/** A decoded Parquet value as JSON. */
export function jsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, jsonValue);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonValue(v);
    return out;
  }
  return value;
}
