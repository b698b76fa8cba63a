import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../../asl/types.js';
import { step } from '../step.js';
import type { ExecutionInfo, StepOptions, StepResult } from '../types.js';
import { csvItems, parseCsv } from './csv.js';
import { parseItems, resolvePointer } from './item-reader.js';
import { ObjectStoreError, type ListedObject, type ObjectStore } from './object-store.js';
import { childRecord, RESULT_FILE_MAX_BYTES, splitResults, writeResults, type ChildOutcome } from './result-writer.js';
import type { MapState } from '../../asl/types.js';
import type { StateContext } from '../states/state-context.js';
import { testExecution } from '../execution.test-support.js';

/** A test double of S3: objects in memory by bucket and key. */
class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, string>();
  /** Objects stored as bytes (compressed, Parquet), by `<bucket>/<key>`. */
  readonly binary = new Map<string, Uint8Array>();
  readonly puts: string[] = [];
  put(bucket: string, key: string, body: string | Uint8Array) {
    if (typeof body === 'string') this.objects.set(`${bucket}/${key}`, body);
    else this.binary.set(`${bucket}/${key}`, body);
  }
  async getObject(r: { Bucket: string; Key: string }): Promise<Uint8Array> {
    const id = `${r.Bucket}/${r.Key}`;
    const body = this.binary.get(id) ?? (this.objects.has(id) ? Buffer.from(this.objects.get(id)!) : undefined);
    if (body === undefined) throw new ObjectStoreError('NoSuchKey', 'The specified key does not exist.', 404, 'req-1');
    return body;
  }
  async listObjects(r: { Bucket: string; Prefix?: string }): Promise<ListedObject[]> {
    return [...this.objects.entries(), ...this.binary.entries()]
      .filter(([k]) => k.startsWith(`${r.Bucket}/${r.Prefix ?? ''}`))
      .map(([k, body]) => ({ key: k.slice(r.Bucket.length + 1), etag: `"${body.length}"`, lastModified: 1_700_000_000_500, size: body.length, storageClass: 'STANDARD' }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  async putObject(r: { Bucket: string; Key: string; Body: string }): Promise<void> {
    this.puts.push(r.Key);
    this.put(r.Bucket, r.Key, r.Body);
  }
}

const execution: ExecutionInfo = testExecution();

const distributed = (extra: Record<string, unknown>, processor: Record<string, unknown> = { P: { Type: 'Pass', End: true } }): StateMachineDefinition =>
  ({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(processor)[0], States: processor },
        End: true,
        ...extra,
      },
    },
  }) as StateMachineDefinition;

function run(definition: StateMachineDefinition, input: unknown, store?: ObjectStore): Promise<StepResult> {
  const options: StepOptions = { newToken: () => 't' };
  if (store) options.objectStore = store;
  return step({ definition, execution: { ...execution, input: JSON.stringify(input) }, lastEventId: 1, wake: { kind: 'start' }, now: 5000 }, options);
}
const output = (r: StepResult) => JSON.parse(r.closing?.output ?? 'null') as unknown;

describe('CSV as Step Functions reads it', () => {
  it('quotes hold delimiters and newlines; doubled quotes and backslashes escape', () => {
    const text = 'a,b,c\n"x,1","line\none","say ""hi"""\nC:\\\\dir,\\,lead,\\q\r\n\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['x,1', 'line\none', 'say "hi"'],
      ['C:\\dir', ',lead', 'q'],
    ]);
  });

  it('other delimiters; short rows padded with empty strings, long rows cut', () => {
    expect(csvItems(parseCsv('1|2|3|4\n5', '|'), ['a', 'b', 'c'])).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '5', b: '', c: '' },
    ]);
  });
});

describe('parsing an object into items', () => {
  it('JSON arrays, ItemsPointer, JSONL and CSV with headers first or given; MaxItems counts data rows', async () => {
    expect(await parseItems('[1,{"a":2}]', { InputType: 'JSON' }, 'k')).toEqual([1, { a: 2 }]);
    expect(await parseItems('{"inv":{"list":[3,4]}}', { InputType: 'JSON', ItemsPointer: '/inv/list' }, 'k')).toEqual([3, 4]);
    expect(resolvePointer({ 'a/b': { '~': 1 } }, '/a~1b/~0')).toBe(1);
    expect(await parseItems('{"a":1}\n\n[2]\n"x"\n', { InputType: 'JSONL' }, 'k', 2)).toEqual([{ a: 1 }, [2]]);
    expect(await parseItems('id;n\n1;x\n2;y\n3;z', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: 'SEMICOLON' }, 'k', 2)).toEqual([
      { id: '1', n: 'x' },
      { id: '2', n: 'y' },
    ]);
    expect(await parseItems('1\t2', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['p', 'q'], CSVDelimiter: 'TAB' }, 'k')).toEqual([{ p: '1', q: '2' }]);
  });

  it('fails with States.ItemReaderFailed on a non-array, bad JSON, bad JSONL or duplicate headers', async () => {
    const fails = async (body: string, config: object) => {
      try {
        await parseItems(body, config, 'data/x');
      } catch (e) {
        return [(e as { error: string }).error, (e as Error & { cause: string }).cause];
      }
      return undefined;
    };
    expect(await fails('{"a":1}', { InputType: 'JSON' })).toEqual(['States.ItemReaderFailed', 'Attempting to map over non-iterable node.']);
    expect((await fails('[1,', { InputType: 'JSON' }))?.[0]).toBe('States.ItemReaderFailed');
    expect((await fails('{"a":1}\n{oops', { InputType: 'JSONL' }))?.[1]).toContain('line 2');
    expect(await fails('a,a\n1,2', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })).toEqual(['States.ItemReaderFailed', 'CSV headers cannot contain duplicates.']);
    const wide = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, '0')}`).join(',');
    expect(await fails(`${wide(1706)}\n1`, { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })).toBeUndefined(); // 10,235 bytes
    expect(await fails(`${wide(1707)}\n1`, { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })).toEqual(['States.ItemReaderFailed', 'The CSV header row is 10241 bytes; Step Functions reads headers of up to 10 KB.']);
  });
});

describe('Distributed Map with an S3 ItemReader', () => {
  it('reads a CSV object named by Parameters paths, MaxItemsPath limiting the rows', async () => {
    const store = new MemoryStore();
    store.put('in', 'rows.csv', 'id,name\n1,ann\n2,bob\n3,cy\n');
    const def = distributed({
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItemsPath: '$.max' },
        Parameters: { Bucket: 'in', 'Key.$': '$.key' },
      },
    });
    const r = await run(def, { key: 'rows.csv', max: 2 }, store);
    expect(r.closing?.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual([
      { id: '1', name: 'ann' },
      { id: '2', name: 'bob' },
    ]);
  });

  it('lists objects with AWS field names, LastModified in epoch seconds; JSONata Arguments', async () => {
    const store = new MemoryStore();
    store.put('in', 'p/a.json', '[1]');
    store.put('in', 'p/b.json', '[2,3]');
    store.put('in', 'q/c.json', '[9]');
    const def = { ...distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Arguments: { Bucket: 'in', Prefix: '{% $states.input.prefix %}' } } }), QueryLanguage: 'JSONata' } as StateMachineDefinition;
    const r = await run(def, { prefix: 'p/' }, store);
    expect(output(r)).toEqual([
      { Etag: '"3"', Key: 'p/a.json', LastModified: 1_700_000_000, Size: 3, StorageClass: 'STANDARD' },
      { Etag: '"5"', Key: 'p/b.json', LastModified: 1_700_000_000, Size: 5, StorageClass: 'STANDARD' },
    ]);
    const flatten = { ...distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: { InputType: 'JSON', Transformation: 'LOAD_AND_FLATTEN' }, Arguments: { Bucket: 'in', Prefix: 'p/' } } }), QueryLanguage: 'JSONata' } as StateMachineDefinition;
    expect(output(await run(flatten, {}, store))).toEqual([1, 2, 3]);
  });

  it('a missing object, or no S3 at all, fails the Map with States.ItemReaderFailed', async () => {
    const def = distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'in', Key: 'none.json' } } });
    const missing = await run(def, {}, new MemoryStore());
    expect(missing.closing).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed', cause: 'The specified key does not exist. (Service: S3, Status Code: 404, Request ID: req-1)' });
    expect(missing.events.map((e) => e.type)).toContain('MapStateFailed');
    expect((await run(def, {})).closing).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
  });
});

describe('Distributed Map following a manifest', () => {
  const inventoryStore = () => {
    const store = new MemoryStore();
    const manifest = {
      sourceBucket: 'photos',
      destinationBucket: 'arn:aws:s3:::inv',
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, Size, LastModifiedDate',
      files: [{ key: 'photos/cfg/data/1.csv.gz' }, { key: 'photos/cfg/data/2.csv.gz' }],
    };
    store.put('inv', 'photos/cfg/2024-05-01T00-00Z/manifest.json', JSON.stringify(manifest));
    store.put('inv', 'photos/cfg/data/1.csv.gz', gzipSync('"photos","a.jpg","10","2024-04-30T10:00:00.000Z"\n"photos","b%20c.jpg","20","2024-04-30T11:00:00.000Z"\n'));
    store.put('inv', 'photos/cfg/data/2.csv.gz', gzipSync('"photos","d.jpg","30","2024-04-30T12:00:00.000Z"\n'));
    return store;
  };
  const manifestReader = (config: Record<string, unknown>, key = 'photos/cfg/2024-05-01T00-00Z/manifest.json', bucket = 'inv') => ({
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: config, Parameters: { Bucket: bucket, Key: key } },
  });

  it('an S3 Inventory manifest: every gzip CSV data file, rows keyed by the fileSchema, values as written; MaxItems across files', async () => {
    const all = await run(distributed(manifestReader({ InputType: 'MANIFEST' })), {}, inventoryStore());
    expect(output(all)).toEqual([
      { Bucket: 'photos', Key: 'a.jpg', Size: '10', LastModifiedDate: '2024-04-30T10:00:00.000Z' },
      { Bucket: 'photos', Key: 'b%20c.jpg', Size: '20', LastModifiedDate: '2024-04-30T11:00:00.000Z' },
      { Bucket: 'photos', Key: 'd.jpg', Size: '30', LastModifiedDate: '2024-04-30T12:00:00.000Z' },
    ]);
    const store = inventoryStore();
    const gets: string[] = [];
    const get = store.getObject.bind(store);
    store.getObject = (r) => (gets.push(r.Key), get(r));
    const two = await run(distributed(manifestReader({ InputType: 'MANIFEST', ManifestType: 'S3_INVENTORY', MaxItems: 2 })), {}, store);
    expect((output(two) as { Key: string }[]).map((i) => i.Key)).toEqual(['a.jpg', 'b%20c.jpg']);
    expect(gets).toEqual(['photos/cfg/2024-05-01T00-00Z/manifest.json', 'photos/cfg/data/1.csv.gz']); // the second file is never read
  });

  it('an Athena data manifest: its files read as the InputType says (JSONL gzip, Parquet)', async () => {
    const store = new MemoryStore();
    store.put('athena', 'q/1-manifest.csv', 's3://athena/q/data/p0.gz\ns3://athena/q/data/p1.gz\n');
    store.put('athena', 'q/data/p0.gz', gzipSync('{"n":1}\n{"n":2}\n'));
    store.put('athena', 'q/data/p1.gz', gzipSync('{"n":3}\n'));
    const r = await run(distributed(manifestReader({ InputType: 'JSONL', ManifestType: 'ATHENA_DATA' }, 'q/1-manifest.csv', 'athena')), {}, store);
    expect(output(r)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    store.put('athena', 'p/m.csv', 's3://athena/p/0.parquet\n');
    store.put('athena', 'p/0.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'city', data: ['Oslo', 'Lima'], type: 'STRING' }] })));
    const p = await run(distributed(manifestReader({ InputType: 'PARQUET', ManifestType: 'ATHENA_DATA' }, 'p/m.csv', 'athena')), {}, store);
    expect(output(p)).toEqual([{ city: 'Oslo' }, { city: 'Lima' }]);
  });

  it('listObjectsV2 with LOAD_AND_FLATTEN reads gzip JSON Lines and Parquet objects as their InputType says', async () => {
    const store = new MemoryStore();
    store.put('logs', 'd/1.jsonl.gz', gzipSync('{"n":1}\n{"n":2}\n'));
    store.put('logs', 'd/2.jsonl', '{"n":3}\n');
    const list = (config: object, prefix: string) => distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: { Transformation: 'LOAD_AND_FLATTEN', ...config }, Parameters: { Bucket: 'logs', Prefix: prefix } } });
    expect(output(await run(list({ InputType: 'JSONL', MaxItems: 3 }, 'd/'), {}, store))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    store.put('logs', 'p/a.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: [1, 2], type: 'INT32' }] })));
    store.put('logs', 'p/b.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: [3], type: 'INT32' }] })));
    expect(output(await run(list({ InputType: 'PARQUET' }, 'p/'), {}, store))).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
  });

  it('ManifestType S3_INVENTORY alone reads the inventory; one that does not fit the InputType, or an ORC inventory, fails with States.ItemReaderFailed', async () => {
    const fail = async (config: Record<string, unknown>, store = inventoryStore()) => (await run(distributed(manifestReader(config)), {}, store)).closing;
    expect(await fail({ InputType: 'JSON', ManifestType: 'S3_INVENTORY' })).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed', cause: "The ManifestType 'S3_INVENTORY' needs the InputType 'MANIFEST' (or none), not 'JSON'." });
    expect(await fail({ ManifestType: 'S3_INVENTORY', MaxItems: 1 })).toMatchObject({ status: 'SUCCEEDED', output: JSON.stringify([{ Bucket: 'photos', Key: 'a.jpg', Size: '10', LastModifiedDate: '2024-04-30T10:00:00.000Z' }]) });
    expect(await fail({ InputType: 'MANIFEST', ManifestType: 'ATHENA_DATA' })).toMatchObject({ error: 'States.ItemReaderFailed', cause: expect.stringContaining("'CSV', 'JSONL' or 'PARQUET', not 'MANIFEST'") });
    const orc = inventoryStore();
    orc.put('inv', 'photos/cfg/2024-05-01T00-00Z/manifest.json', JSON.stringify({ fileFormat: 'ORC', fileSchema: 'struct<bucket:string>', files: [{ key: 'x.orc' }] }));
    expect(await fail({ InputType: 'MANIFEST' }, orc)).toMatchObject({ error: 'States.ItemReaderFailed', cause: "The S3 Inventory manifest 'photos/cfg/2024-05-01T00-00Z/manifest.json' lists ORC files; only CSV and Parquet inventories can be read." });
  });
});

describe('Distributed Map with a ResultWriter', () => {
  const writer = (extra: Record<string, unknown> = {}) => ({ Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs' }, ...extra });
  const failing = {
    C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'F' }], Default: 'P' },
    P: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true },
    F: { Type: 'Fail', Error: 'Two', Cause: 'no twos' },
  };

  it('writes SUCCEEDED_0.json and FAILED_0.json (NONE) and a manifest; the Map returns where', async () => {
    const store = new MemoryStore();
    const r = await run(distributed({ ResultWriter: writer(), ToleratedFailureCount: 1 }, failing), [1, 2, 3], store);
    expect(r.closing?.status).toBe('SUCCEEDED');
    const out = output(r) as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    const id = out.MapRunArn.slice(out.MapRunArn.lastIndexOf(':') + 1);
    expect(out.MapRunArn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:m\/M:[0-9a-f-]{36}$/);
    expect(out.ResultWriterDetails).toEqual({ Bucket: 'out', Key: `runs/${id}/manifest.json` });
    expect(store.puts).toEqual([`runs/${id}/SUCCEEDED_0.json`, `runs/${id}/FAILED_0.json`, `runs/${id}/manifest.json`]);

    const manifest = JSON.parse(store.objects.get(`out/runs/${id}/manifest.json`)!) as { ResultFiles: Record<string, { Key: string; Size: number }[]> };
    const succeededBody = store.objects.get(`out/runs/${id}/SUCCEEDED_0.json`)!;
    expect(manifest).toEqual({
      DestinationBucket: 'out',
      MapRunArn: out.MapRunArn,
      ResultFiles: {
        FAILED: [{ Key: `runs/${id}/FAILED_0.json`, Size: Buffer.byteLength(store.objects.get(`out/runs/${id}/FAILED_0.json`)!) }],
        PENDING: [],
        SUCCEEDED: [{ Key: `runs/${id}/SUCCEEDED_0.json`, Size: Buffer.byteLength(succeededBody) }],
      },
    });
    const succeeded = JSON.parse(succeededBody) as Record<string, unknown>[];
    expect(succeeded.map((s) => [s.Input, s.Output, s.Status])).toEqual([
      ['1', '{"v":1}', 'SUCCEEDED'],
      ['3', '{"v":3}', 'SUCCEEDED'],
    ]);
    expect(succeeded[0]).toMatchObject({ InputDetails: { Included: true }, OutputDetails: { Included: true }, StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m/M' });
    expect(String(succeeded[0]!.ExecutionArn)).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:m\/M:[0-9a-f-]{36}$/);
    const failed = JSON.parse(store.objects.get(`out/runs/${id}/FAILED_0.json`)!) as Record<string, unknown>[];
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ Input: '2', Status: 'FAILED', Error: 'Two', Cause: 'no twos' });
    expect(failed[0]).not.toHaveProperty('Output');
  });

  it('a status whose records pass the file limit is split into _0, _1, ... in order; every file keeps within it', () => {
    const values = [{ a: 'x'.repeat(10) }, { a: 'y'.repeat(10) }, { a: 'é'.repeat(5) }, 7];
    const json = splitResults(values, 'JSON', 40);
    // 2 + 18 + 1 + 18 = 39 bytes fit 40; the 'é' record (18 bytes, é being two) begins the next file.
    expect(json.map((b) => JSON.parse(b) as unknown)).toEqual([values.slice(0, 2), values.slice(2)]);
    for (const b of json) expect(Buffer.byteLength(b)).toBeLessThanOrEqual(40);
    expect(splitResults(values, 'JSON', 1000)).toEqual([JSON.stringify(values)]);
    const lines = splitResults(values, 'JSONL', 35);
    expect(lines).toEqual([`${JSON.stringify(values[0])}\n`, `${JSON.stringify(values[1])}\n`, `${JSON.stringify(values[2])}\n7\n`]);
    expect(splitResults(['z'.repeat(50)], 'JSON', 10)).toEqual([`["${'z'.repeat(50)}"]`]); // too big alone: a file of its own
    expect(RESULT_FILE_MAX_BYTES).toBe(5 * 1024 ** 3);
  });

  it('writeResults puts each split file in order and lists them all in the manifest', async () => {
    const store = new MemoryStore();
    const sc = { language: 'JSONPath', options: { objectStore: store }, paths: () => ({ context: {} }) } as unknown as StateContext;
    const state = { Type: 'Map', ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'big' }, WriterConfig: { Transformation: 'COMPACT' } } } as unknown as MapState;
    const run = { mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:m/M:0b7a2f1e-0000-4000-8000-000000000000', startTime: 1000, stopTime: 9000 };
    const children: ChildOutcome[] = [0, 1, 2, 3].map((index) => ({ index, input: index, status: 'SUCCEEDED', output: 'v'.repeat(10) }));
    children.push({ index: 4, input: 4, status: 'FAILED', error: 'E', cause: 'C' });
    const result = await writeResults(state, sc, {}, children, run, 30);
    const base = 'big/0b7a2f1e-0000-4000-8000-000000000000/';
    expect(result).toEqual({ MapRunArn: run.mapRunArn, ResultWriterDetails: { Bucket: 'out', Key: `${base}manifest.json` } });
    expect(store.puts).toEqual([`${base}SUCCEEDED_0.json`, `${base}SUCCEEDED_1.json`, `${base}FAILED_0.json`, `${base}manifest.json`]);
    const body = (n: number) => store.objects.get(`out/${base}SUCCEEDED_${n}.json`)!;
    expect([JSON.parse(body(0)), JSON.parse(body(1))]).toEqual([['v'.repeat(10), 'v'.repeat(10)], ['v'.repeat(10), 'v'.repeat(10)]]);
    const manifest = JSON.parse(store.objects.get(`out/${base}manifest.json`)!) as { ResultFiles: Record<string, { Key: string; Size: number }[]> };
    expect(manifest.ResultFiles.SUCCEEDED).toEqual([
      { Key: `${base}SUCCEEDED_0.json`, Size: Buffer.byteLength(body(0)) },
      { Key: `${base}SUCCEEDED_1.json`, Size: Buffer.byteLength(body(1)) },
    ]);
    expect(manifest.ResultFiles.FAILED!.map((f) => f.Key)).toEqual([`${base}FAILED_0.json`]);
  });

  it("a child's record carries its own start and stop dates when known, else the map run's", () => {
    const run = { mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:m/M:0b7a2f1e-0000-4000-8000-000000000000', startTime: 1000, stopTime: 9000 };
    const own = childRecord({ index: 0, input: 1, status: 'SUCCEEDED', output: 1, startTime: 2000, stopTime: 3000 }, run);
    expect([own.StartDate, own.StopDate]).toEqual(['1970-01-01T00:00:02.000Z', '1970-01-01T00:00:03.000Z']);
    const shared = childRecord({ index: 1, input: 1, status: 'FAILED', error: 'E' }, run);
    expect([shared.StartDate, shared.StopDate]).toEqual(['1970-01-01T00:00:01.000Z', '1970-01-01T00:00:09.000Z']);
  });

  it('a replayed step names the same map run and writes the same keys', async () => {
    const def = distributed({ ResultWriter: writer() });
    const a = new MemoryStore();
    const b = new MemoryStore();
    expect(output(await run(def, [1], a))).toEqual(output(await run(def, [1], b)));
    expect(a.puts).toEqual(b.puts);
  });

  it('WriterConfig: COMPACT and FLATTEN as JSONL in S3; without Resource the results come back inline', async () => {
    const store = new MemoryStore();
    const pair = { P: { Type: 'Pass', Parameters: { 'pair.$': 'States.Array($, $)' }, OutputPath: '$.pair', End: true } };
    const r = await run(distributed({ ResultWriter: writer({ Parameters: { Bucket: 'out', Prefix: '' }, WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' } }) }, pair), [1, 2], store);
    const key = (output(r) as { ResultWriterDetails: { Key: string } }).ResultWriterDetails.Key;
    expect(key).toMatch(/^[0-9a-f-]{36}\/manifest\.json$/);
    expect(store.objects.get(`out/${key.replace('manifest.json', 'SUCCEEDED_0.jsonl')}`)).toBe('1\n1\n2\n2\n');

    const compact = await run(distributed({ ResultWriter: { WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSON' } } }, pair), [1, 2]);
    expect(output(compact)).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const none = await run(distributed({ ResultWriter: { WriterConfig: { Transformation: 'NONE' } } }, pair), [7]);
    expect(output(none)).toMatchObject([{ Input: '7', Output: '[7,7]', Status: 'SUCCEEDED' }]);
  });

  it('without S3 a Map that writes to S3 fails at once with States.ResultWriterFailed; a failing put too', async () => {
    const def = distributed({ ResultWriter: writer() });
    const none = await run(def, [1]);
    expect(none.closing).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed' });
    expect(none.events.map((e) => e.type)).not.toContain('MapRunStarted');
    const broken = new MemoryStore();
    broken.putObject = async () => {
      throw new ObjectStoreError('NoSuchBucket', 'The specified bucket does not exist', 404, 'req-2');
    };
    const r = await run(def, [1], broken);
    expect(r.closing).toMatchObject({ status: 'FAILED', error: 'States.ResultWriterFailed', cause: 'The specified bucket does not exist (Service: S3, Status Code: 404, Request ID: req-2)' });
    expect(r.events.map((e) => e.type)).toContain('MapRunFailed');
  });
});
