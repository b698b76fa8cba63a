import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DescribeMapRunCommand } from '@aws-sdk/client-sfn';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { waitForEnd } from '../support/sfn.js';
import { createMachine, start, startFakeS3, startIntegrationCluster } from './integration-support.js';

/**
 * Distributed Map reading its items from S3 and writing its results there, against a fake S3
 * (path-style GetObject, ListObjectsV2, PutObject) that the worker reaches through AWS_ENDPOINT_URL_S3.
 */
let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;
let s3: Awaited<ReturnType<typeof startFakeS3>>;

beforeAll(async () => {
  s3 = await startFakeS3();
  cluster = await startIntegrationCluster({ AWS_ENDPOINT_URL_S3: s3.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
});
afterAll(async () => {
  await cluster?.stop();
  await s3?.close();
});

const DISTRIBUTED = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } };
const echo = { ...DISTRIBUTED, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

async function run(definition: object, input: unknown = {}) {
  const arn = await start(cluster.sfn, await createMachine(cluster.sfn, definition), input);
  const done = await waitForEnd(cluster.sfn, arn, 20_000);
  return { done, output: done.output === undefined ? undefined : (JSON.parse(done.output) as unknown) };
}

describe('Distributed Map ItemReader', () => {
  test('a JSON array object named by Parameters paths, each item through ItemSelector', async () => {
    s3.put('data', 'orders/all.json', JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }]));
    const { done, output } = await run(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'data', 'Key.$': '$.key' } },
            ItemSelector: { 'order.$': '$$.Map.Item.Value.id', 'index.$': '$$.Map.Item.Index' },
            ItemProcessor: echo,
            End: true,
          },
        },
      },
      { key: 'orders/all.json' },
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(output).toEqual([
      { order: 1, index: 0 },
      { order: 2, index: 1 },
      { order: 3, index: 2 },
    ]);
  });

  test('CSV with a PIPE delimiter and its header in the first row, limited by MaxItems; values are strings', async () => {
    s3.put('data', 'ratings.csv', 'user|movie|rating\n1|307|3.5\n"2|b"|481|4\n3|1091|1.5\n');
    const { output } = await run({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: 'PIPE', MaxItems: 2 },
            Parameters: { Bucket: 'data', Key: 'ratings.csv' },
          },
          ItemProcessor: echo,
          End: true,
        },
      },
    });
    expect(output).toEqual([
      { user: '1', movie: '307', rating: '3.5' },
      { user: '2|b', movie: '481', rating: '4' },
    ]);
  });

  test('JSON Lines in JSONata (Arguments), and listObjectsV2 across pages with AWS field names', async () => {
    s3.put('logs', 'day/1.jsonl', '{"n":1}\n{"n":2}\n');
    s3.put('logs', 'day/2.jsonl', '{"n":3}\n');
    s3.put('logs', 'day/3.jsonl', '{"n":4}\n');
    s3.put('logs', 'other/x.jsonl', '{"n":9}\n');
    const lines = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Arguments: { Bucket: 'logs', Key: '{% $states.input.key %}' } },
          ItemProcessor: echo,
          End: true,
        },
      },
    }, { key: 'day/1.jsonl' });
    expect(lines.output).toEqual([{ n: 1 }, { n: 2 }]);

    const listed = await run({
      StartAt: 'M',
      States: { M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'logs', Prefix: 'day/' } }, ItemProcessor: echo, End: true } },
    });
    const items = listed.output as Record<string, unknown>[];
    expect(items.map((i) => i.Key)).toEqual(['day/1.jsonl', 'day/2.jsonl', 'day/3.jsonl']);
    expect(items[1]).toEqual({ Etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), Key: 'day/2.jsonl', LastModified: Date.parse('2024-05-01T10:00:00Z') / 1000, Size: 8, StorageClass: 'STANDARD' });
  });

  test('a missing object fails the Map with States.ItemReaderFailed, which a Catch handles', async () => {
    const { done, output } = await run({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'data', Key: 'nope.json' } },
          ItemProcessor: echo,
          Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], ResultPath: '$.failure', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(output).toEqual({ failure: { Error: 'States.ItemReaderFailed', Cause: expect.stringContaining('The specified key does not exist.') } });
  });
});

describe('Distributed Map ItemReader: Parquet, manifests and compressed objects', () => {
  const reader = (config: object, bucket: string, key: string) => ({
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: config, Parameters: { Bucket: bucket, Key: key } }, ItemProcessor: echo, End: true } },
  });

  test('PARQUET: each row an item keyed by column, snappy-compressed pages, MaxItems honoured', async () => {
    const file = parquetWriteBuffer({
      columnData: [
        { name: 'sensor', data: ['s1', 's2', 's3'], type: 'STRING' },
        { name: 'reading', data: [20.5, 21, 19.75], type: 'DOUBLE' },
        { name: 'count', data: [1n, 2n, 3n], type: 'INT64' },
      ],
    });
    s3.put('lake', 'iot/readings.parquet', new Uint8Array(file));
    const { done, output } = await run(reader({ InputType: 'PARQUET', MaxItems: 2 }, 'lake', 'iot/readings.parquet'));
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(output).toEqual([
      { sensor: 's1', reading: 20.5, count: 1 },
      { sensor: 's2', reading: 21, count: 2 },
    ]);
  });

  test('MANIFEST: an S3 Inventory manifest.json, its gzip CSV data files in the destination bucket, rows keyed by the fileSchema', async () => {
    const manifest = {
      sourceBucket: 'photos',
      destinationBucket: 'arn:aws:s3:::inventory',
      version: '2016-11-30',
      creationTimestamp: '1714557600000',
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, Size, LastModifiedDate',
      files: [
        { key: 'photos/daily/data/one.csv.gz', size: 1, MD5checksum: 'x' },
        { key: 'photos/daily/data/two.csv.gz', size: 1, MD5checksum: 'y' },
      ],
    };
    s3.put('inventory', 'photos/daily/2024-05-01T01-00Z/manifest.json', JSON.stringify(manifest));
    s3.put('inventory', 'photos/daily/data/one.csv.gz', gzipSync('"photos","2024/a.jpg","1024","2024-04-30T08:00:00.000Z"\n'));
    s3.put('inventory', 'photos/daily/data/two.csv.gz', gzipSync('"photos","2024/b.jpg","2048","2024-04-30T09:00:00.000Z"\n"photos","2024/c.jpg","0","2024-04-30T10:00:00.000Z"\n'));
    const { done, output } = await run(reader({ InputType: 'MANIFEST', ManifestType: 'S3_INVENTORY' }, 'inventory', 'photos/daily/2024-05-01T01-00Z/manifest.json'));
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(output).toEqual([
      { Bucket: 'photos', Key: '2024/a.jpg', Size: '1024', LastModifiedDate: '2024-04-30T08:00:00.000Z' },
      { Bucket: 'photos', Key: '2024/b.jpg', Size: '2048', LastModifiedDate: '2024-04-30T09:00:00.000Z' },
      { Bucket: 'photos', Key: '2024/c.jpg', Size: '0', LastModifiedDate: '2024-04-30T10:00:00.000Z' },
    ]);
  });

  test('ATHENA_DATA: an Athena data manifest of gzip CSV files read with GIVEN headers', async () => {
    s3.put('athena', 'unload/q-1-manifest.csv', 's3://athena/unload/part-0.gz\ns3://athena/unload/part-1.gz\n');
    s3.put('athena', 'unload/part-0.gz', gzipSync('eu,3\n'));
    s3.put('athena', 'unload/part-1.gz', gzipSync('us,5\nap,1\n'));
    const { done, output } = await run(reader({ InputType: 'CSV', ManifestType: 'ATHENA_DATA', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['region', 'n'] }, 'athena', 'unload/q-1-manifest.csv'));
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(output).toEqual([
      { region: 'eu', n: '3' },
      { region: 'us', n: '5' },
      { region: 'ap', n: '1' },
    ]);
  });

  test('a gzip-compressed JSON object is read decompressed; a manifest with an unreadable data file fails with States.ItemReaderFailed', async () => {
    s3.put('data', 'orders.json.gz', gzipSync(JSON.stringify([{ id: 'a' }, { id: 'b' }])));
    const zipped = await run(reader({ InputType: 'JSON' }, 'data', 'orders.json.gz'));
    expect(zipped.output).toEqual([{ id: 'a' }, { id: 'b' }]);
    s3.put('athena', 'broken/m.csv', 's3://athena/broken/missing.gz\n');
    const broken = await run(reader({ InputType: 'JSONL', ManifestType: 'ATHENA_DATA' }, 'athena', 'broken/m.csv'));
    expect(broken.done).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed', cause: expect.stringContaining('The specified key does not exist.') });
  });
});

describe('Distributed Map ResultWriter', () => {
  test('writes the result files and manifest under <Prefix>/<map run id>/ and returns where they are', async () => {
    s3.put('data', 'nums.json', '[1,2,3]');
    const { done, output } = await run({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'data', Key: 'nums.json' } },
          ItemProcessor: {
            ...DISTRIBUTED,
            StartAt: 'C',
            States: {
              C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'F' }], Default: 'P' },
              P: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($, $)' }, End: true },
              F: { Type: 'Fail', Error: 'NoTwos', Cause: 'two is refused' },
            },
          },
          ToleratedFailureCount: 1,
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'results', Prefix: 'jobs' } },
          End: true,
        },
      },
    });
    expect(done.status).toBe('SUCCEEDED');
    const out = output as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    const id = out.MapRunArn.slice(out.MapRunArn.lastIndexOf(':') + 1);
    expect(out.ResultWriterDetails).toEqual({ Bucket: 'results', Key: `jobs/${id}/manifest.json` });

    const read = (key: string) => JSON.parse(s3.objects.get(`results/${key}`)!.body) as unknown;
    const manifest = read(`jobs/${id}/manifest.json`) as { DestinationBucket: string; MapRunArn: string; ResultFiles: Record<string, { Key: string; Size: number }[]> };
    expect(manifest.DestinationBucket).toBe('results');
    expect(manifest.MapRunArn).toBe(out.MapRunArn);
    expect(manifest.ResultFiles.PENDING).toEqual([]);
    expect(manifest.ResultFiles.SUCCEEDED!.map((f) => f.Key)).toEqual([`jobs/${id}/SUCCEEDED_0.json`]);
    expect(manifest.ResultFiles.FAILED!.map((f) => f.Key)).toEqual([`jobs/${id}/FAILED_0.json`]);
    expect(manifest.ResultFiles.SUCCEEDED![0]!.Size).toBe(Buffer.byteLength(s3.objects.get(`results/jobs/${id}/SUCCEEDED_0.json`)!.body));

    const succeeded = read(`jobs/${id}/SUCCEEDED_0.json`) as Record<string, unknown>[];
    expect(succeeded.map((r) => [r.Input, r.Output, r.Status])).toEqual([
      ['1', '{"doubled":2}', 'SUCCEEDED'],
      ['3', '{"doubled":6}', 'SUCCEEDED'],
    ]);
    const failed = read(`jobs/${id}/FAILED_0.json`) as Record<string, unknown>[];
    expect(failed).toEqual([expect.objectContaining({ Input: '2', Status: 'FAILED', Error: 'NoTwos', Cause: 'two is refused' })]);

    const run2 = await cluster.sfn.send(new DescribeMapRunCommand({ mapRunArn: out.MapRunArn }));
    expect(run2.status).toBe('SUCCEEDED');
    expect(run2.itemCounts).toMatchObject({ total: 3, succeeded: 2, failed: 1, resultsWritten: 3 });
  });

  test('WriterConfig alone returns the FLATTENed results inline', async () => {
    const { output } = await run({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { ...DISTRIBUTED, StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'pair.$': 'States.Array($, $)' }, OutputPath: '$.pair', End: true } } },
          ResultWriter: { WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSON' } },
          End: true,
        },
      },
    }, [1, 2]);
    expect(output).toEqual([1, 1, 2, 2]);
  });
});
