import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DescribeMapRunCommand } from '@aws-sdk/client-sfn';
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
