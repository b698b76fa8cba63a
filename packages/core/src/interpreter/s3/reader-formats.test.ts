import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { StatesError } from '../../errors.js';
import { codecOf, decompressed } from './decompress.js';
import { parseItems } from './item-reader.js';
import { athenaManifest, inventoryManifest } from './manifest.js';
import { isParquet, jsonValue, parquetItems } from './parquet.js';

const FAILED = 'States.ItemReaderFailed';

/** A zstd frame holding `text` in one raw (stored) block: single segment, 1-byte content size. */
function zstdStored(text: string): Uint8Array {
  const data = Buffer.from(text);
  if (data.length > 255) throw new Error('keep it short');
  const block = data.length * 8 + 1; // size << 3 | raw block (0) << 1 | last block
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, data.length, block & 0xff, (block >> 8) & 0xff, block >> 16]), data]);
}

const failure = async (f: () => unknown) => {
  try {
    await f();
  } catch (e) {
    if (e instanceof StatesError) return [e.error, e.cause];
    throw e;
  }
  return undefined;
};

describe('compressed objects', () => {
  it('gzip and zstd are told by their first bytes and read decompressed; anything else is left alone', async () => {
    expect(codecOf(gzipSync('[1]'))).toBe('GZIP');
    expect(codecOf(zstdStored('[1]'))).toBe('ZSTD');
    expect(codecOf(Buffer.from('[1]'))).toBeUndefined();
    expect(Buffer.from(decompressed(zstdStored('a,b\n1,2\n'), 'k', FAILED)).toString()).toBe('a,b\n1,2\n');
    expect(await parseItems(gzipSync('[{"a":1},2]'), { InputType: 'JSON' }, 'k.json.gz')).toEqual([{ a: 1 }, 2]);
    expect(await parseItems(zstdStored('{"n":1}\n{"n":2}\n'), { InputType: 'JSONL' }, 'k.jsonl.zst')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await parseItems(gzipSync('x;y\n1;2\n'), { InputType: 'CSV', CSVDelimiter: 'SEMICOLON' }, 'k.csv.gz')).toEqual([{ x: '1', y: '2' }]);
  });

  it('a truncated stream fails with States.ItemReaderFailed naming the object and codec', async () => {
    const cut = gzipSync('[1,2,3]').subarray(0, 12);
    const [error, cause] = (await failure(() => parseItems(cut, { InputType: 'JSON' }, 'data/x.gz')))!;
    expect(error).toBe(FAILED);
    expect(cause).toMatch(/^The object 'data\/x\.gz' could not be decompressed \(GZIP\): /);
  });
});

describe('Parquet', () => {
  const file = (codec?: 'GZIP' | 'SNAPPY' | 'UNCOMPRESSED') =>
    new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: [1n, 2n, 9007199254740993n], type: 'INT64' },
          { name: 'name', data: ['ann', 'bob', null], type: 'STRING' },
          { name: 'ok', data: [true, false, true], type: 'BOOLEAN' },
          { name: 'score', data: [1.5, 2, -0], type: 'DOUBLE' },
        ],
        ...(codec && { codec }),
        ...(codec === 'GZIP' && { compressors: { GZIP: (input: Uint8Array) => gzipSync(input) } }),
      }),
    );

  it('each row is an item keyed by column; 64-bit integers stay exact; MaxItems stops early', async () => {
    const rows = [
      { id: 1, name: 'ann', ok: true, score: 1.5 },
      { id: 2, name: 'bob', ok: false, score: 2 },
      { id: '9007199254740993', name: null, ok: true, score: 0 },
    ];
    expect(await parseItems(file(), { InputType: 'PARQUET' }, 'k.parquet')).toEqual(rows);
    expect(await parseItems(file('GZIP'), { InputType: 'PARQUET' }, 'k.parquet', 2)).toEqual(rows.slice(0, 2));
    expect(await parseItems(file('UNCOMPRESSED'), { InputType: 'PARQUET' }, 'k.parquet')).toEqual(rows);
  });

  it('a binary column without a string type is base64; string, JSON and timestamp columns decode', async () => {
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'raw', data: [new Uint8Array([104, 105]), new Uint8Array([255, 0])], type: 'BYTE_ARRAY' },
          { name: 's', data: ['x', 'y'], type: 'STRING' },
          { name: 'j', data: [{ a: [1] }, null], type: 'JSON' },
          { name: 'at', data: [new Date(Date.UTC(2024, 0, 2)), new Date(0)], type: 'TIMESTAMP' },
        ],
      }),
    );
    expect(await parquetItems(bytes, 'b.parquet', 10, FAILED)).toEqual([
      { raw: 'aGk=', s: 'x', j: { a: [1] }, at: '2024-01-02T00:00:00.000Z' },
      { raw: '/wA=', s: 'y', j: null, at: '1970-01-01T00:00:00.000Z' },
    ]);
  });

  it('values become JSON: dates ISO strings, bytes base64, nested lists and structs kept', () => {
    expect(jsonValue({ at: new Date(Date.UTC(2024, 4, 1)), raw: new Uint8Array([104, 105]), list: [1n, null, { x: undefined, y: 2 }], f: Infinity })).toEqual({
      at: '2024-05-01T00:00:00.000Z',
      raw: 'aGk=',
      list: [1, null, { y: 2 }],
      f: 'Infinity',
    });
  });

  it('an object that is not Parquet, or a damaged one, fails with States.ItemReaderFailed', async () => {
    expect(isParquet(Buffer.from('PAR1 but not really'))).toBe(false);
    expect(await failure(() => parquetItems(Buffer.from('[1,2]'), 'x.parquet', 10, FAILED))).toEqual([FAILED, "The object 'x.parquet' is not a Parquet file."]);
    const damaged = file();
    damaged.fill(0, 8, damaged.length - 20);
    const [error, cause] = (await failure(() => parquetItems(damaged, 'y.parquet', 10, FAILED)))!;
    expect(error).toBe(FAILED);
    expect(cause).toMatch(/^The Parquet object 'y\.parquet' could not be read: /);
  });
});

describe('manifests', () => {
  const inventory = {
    sourceBucket: 'photos',
    destinationBucket: 'arn:aws:s3:::inventory-dest',
    version: '2016-11-30',
    creationTimestamp: '1714557600000',
    fileFormat: 'CSV',
    fileSchema: 'Bucket, Key, Size, LastModifiedDate',
    files: [{ key: 'photos/all/data/a.csv.gz', size: 100, MD5checksum: 'x' }, { key: 'photos/all/data/b.csv.gz' }],
  };

  it('an S3 Inventory manifest names its data files in the destination bucket and its CSV columns', () => {
    expect(inventoryManifest(JSON.stringify(inventory), 'm.json', 'where-the-manifest-is', FAILED)).toEqual({
      format: 'CSV',
      columns: ['Bucket', 'Key', 'Size', 'LastModifiedDate'],
      files: [
        { bucket: 'inventory-dest', key: 'photos/all/data/a.csv.gz' },
        { bucket: 'inventory-dest', key: 'photos/all/data/b.csv.gz' },
      ],
    });
    const parquet = inventoryManifest(JSON.stringify({ ...inventory, destinationBucket: undefined, fileFormat: 'Parquet', fileSchema: 'message s3.inventory { }' }), 'm.json', 'here', FAILED);
    expect(parquet).toEqual({ format: 'Parquet', columns: [], files: [expect.objectContaining({ bucket: 'here' }), expect.objectContaining({ bucket: 'here' })] });
  });

  it('a manifest that is not JSON, has no files, no schema or a file without key fails', async () => {
    const bad = (text: string) => failure(() => inventoryManifest(text, 'm.json', 'b', FAILED));
    expect((await bad('{oops'))?.[1]).toMatch(/^The manifest 'm\.json' is not valid JSON: /);
    expect((await bad('[]'))?.[1]).toBe("The manifest 'm.json' is not an S3 Inventory manifest: it is not a JSON object.");
    expect((await bad('{"fileFormat":"CSV"}'))?.[1]).toBe("The manifest 'm.json' is not an S3 Inventory manifest: it has no 'files' array.");
    expect((await bad('{"files":[],"fileFormat":"CSV"}'))?.[1]).toBe("The manifest 'm.json' has no 'fileSchema' naming the inventory's columns.");
    expect((await bad('{"files":[{"size":1}],"fileSchema":"Bucket, Key"}'))?.[1]).toBe("The manifest 'm.json' lists a file without a 'key' (files[0]).");
  });

  it('an Athena data manifest lists s3:// URIs, one a line', async () => {
    expect(athenaManifest('s3://results/q1/part-0.gz\r\n\ns3://results/q1/sub/part-1.gz\n', 'q1-manifest.csv', FAILED)).toEqual([
      { bucket: 'results', key: 'q1/part-0.gz' },
      { bucket: 'results', key: 'q1/sub/part-1.gz' },
    ]);
    expect(await failure(() => athenaManifest('s3://results/a\nhttps://x/y\n', 'm.csv', FAILED))).toEqual([FAILED, "The Athena manifest 'm.csv' has a line that is not an S3 URI (line 2): https://x/y"]);
  });
});
