import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { parseDefinition, validateDefinition } from './index.js';

const machine = (states: object, extra: object = {}) => JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...extra });
const pass = { Type: 'Pass', End: true };

describe('validateDefinition', () => {
  it('accepts a minimal machine', () => {
    expect(validateDefinition(machine({ A: pass }))).toEqual([]);
  });

  it('reports non-JSON text with a Jackson-style location', () => {
    const [d] = validateDefinition('nope');
    expect(d?.code).toBe('INVALID_JSON_DESCRIPTION');
    expect(d?.location).toBe('[Source: (String)"nope"; line: 1, column: 5]');
    expect(d?.message).toMatch(/^Unrecognized token 'nope'/);
  });

  it('reports blank text and non-objects as not a JSON object', () => {
    expect(validateDefinition('  ')[0]?.message).toBe('Definition must be a valid JSON object');
    expect(validateDefinition('[1]')[0]?.message).toBe('Definition must be a valid JSON object');
  });

  it('lists missing top-level fields', () => {
    expect(validateDefinition('{}')).toEqual([{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'These fields are required: [States, StartAt]', location: '/' }]);
  });

  it('refuses an unknown state type', () => {
    const [d] = validateDefinition(machine({ A: { Type: 'Nope', End: true } }));
    expect(d?.location).toBe('/States/A/Type');
  });

  it('refuses fields of the other query language and unknown fields', () => {
    const messages = validateDefinition(machine({ A: { Type: 'Pass', Output: 1, Bogus: 1, End: true } })).map((d) => d.message);
    expect(messages).toEqual([
      "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
      "Field 'Bogus' is not supported",
    ]);
  });

  it('refuses a JSONPath state under a JSONata machine', () => {
    const [d] = validateDefinition(machine({ A: { ...pass, QueryLanguage: 'JSONPath' } }, { QueryLanguage: 'JSONata' }));
    expect(d?.location).toBe('/States/A');
  });

  it('reports missing targets, then unreachable states', () => {
    const diagnostics = validateDefinition(machine({ A: { Type: 'Pass', Next: 'Z' }, B: pass }));
    expect(diagnostics.map((d) => [d.code, d.message, d.location])).toEqual([
      ['MISSING_TRANSITION_TARGET', "Missing 'Next' target: Z", '/States/A/Next'],
      ['MISSING_TRANSITION_TARGET', 'State "B" is not reachable.', '/States/B'],
    ]);
  });

  it('reports a loop without a terminal state once, without location', () => {
    const diagnostics = validateDefinition(machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }));
    expect(diagnostics).toEqual([{ severity: 'ERROR', code: 'MISSING_END_STATE', message: 'Workflow has no terminal state' }]);
  });

  it('checks Wait timestamps as RFC 3339', () => {
    expect(validateDefinition(machine({ W: { Type: 'Wait', Timestamp: '2020-02-30T00:00:00Z', End: true } }))[0]?.location).toBe('/States/W/Timestamp');
    expect(validateDefinition(machine({ W: { Type: 'Wait', Timestamp: '2020-02-28T00:00:00+01:00', End: true } }))).toEqual([]);
  });

  it('checks `.$` values are paths or intrinsic calls', () => {
    const ok = machine({ A: { Type: 'Pass', Parameters: { 'a.$': "States.Format('x {}', $.y)", 'b.$': '$.c[0]' }, End: true } });
    expect(validateDefinition(ok)).toEqual([]);
    const bad = machine({ A: { Type: 'Pass', Parameters: { 'a.$': "States.Format('say \\\"hi\\\"')" }, End: true } });
    expect(validateDefinition(bad)[0]?.location).toBe('/States/A/Parameters');
  });

  it('parses JSONata expressions', () => {
    const bad = machine({ A: { Type: 'Pass', Output: { v: '{% 1 + %}' }, End: true } }, { QueryLanguage: 'JSONata' });
    expect(validateDefinition(bad)).toEqual([{ severity: 'ERROR', code: 'INVALID_JSONATA_EXPRESSION', message: 'Unexpected end of expression', location: '/States/A/Output/v' }]);
    const topLevel = machine({ A: { Type: 'Pass', Output: '{% phone %}', End: true } }, { QueryLanguage: 'JSONata' });
    expect(validateDefinition(topLevel)[0]?.code).toBe('UNSUPPORTED_JSONATA_EXPRESSION');
  });

  it('refuses activities and callbacks on EXPRESS machines only', () => {
    const activity = machine({ T: { Type: 'Task', Resource: 'arn:aws:states:eu-west-1:123456789012:activity:a', End: true } });
    expect(validateDefinition(activity)).toEqual([]);
    expect(validateDefinition(activity, { type: 'EXPRESS' })[0]?.message).toBe('Express state machine does not support Activity ARN');
  });

  it('refuses unknown integrations', () => {
    const task = machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::nothing:here', End: true } });
    expect(validateDefinition(task)[0]?.message).toMatch(/^The resource provided arn:aws:states:::nothing:here is not recognized/);
  });

  it('refuses empty Parallel branches and States.ALL not alone', () => {
    expect(validateDefinition(machine({ P: { Type: 'Parallel', Branches: [], End: true } }))[0]?.location).toBe('/States/P/Branches');
    const retry = machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['States.ALL', 'X'] }], End: true } });
    expect(validateDefinition(retry)).toHaveLength(1);
  });

  it('refuses duplicate state names across nested containers', () => {
    const branch = { StartAt: 'A', States: { A: pass } };
    const diagnostics = validateDefinition(machine({ A: { Type: 'Parallel', Branches: [branch], End: true } }));
    expect(diagnostics.map((d) => d.code)).toEqual(['DUPLICATE_STATE_NAME']);
  });
});

describe('parseDefinition', () => {
  it('returns the parsed definition', () => {
    expect(parseDefinition(machine({ A: pass })).StartAt).toBe('A');
  });

  it('throws InvalidDefinition joining every error', () => {
    const text = machine({ A: { Type: 'Pass', Next: 'Z' }, B: pass });
    const error = (() => {
      try {
        parseDefinition(text);
      } catch (e) {
        return e;
      }
    })() as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Z at /States/A/Next, MISSING_TRANSITION_TARGET: State \"B\" is not reachable. at /States/B'",
    );
  });

  it('words Map label errors in their own form, quoting the text', () => {
    const text = machine({ M: { Type: 'Map', Label: 'a b', ItemProcessor: { StartAt: 'I', States: { I: pass } }, End: true } });
    expect(() => parseDefinition(text)).toThrow(`Error=ValueError Args=["Label contains invalid character: ' '"] in definition '${text}'.`);
  });
});

describe('Distributed Map ItemReader and ResultWriter shapes', () => {
  const map = (extra: object) =>
    machine({ M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: pass } }, End: true, ...extra } });
  const reader = (config: object) => ({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: config, Parameters: { Bucket: 'b', Key: 'k' } } });
  const messages = (text: string) => validateDefinition(text).map((d) => d.message);

  it('accepts the documented readers and writers', () => {
    expect(messages(map(reader({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['a'], CSVDelimiter: 'TAB', MaxItems: 10 })))).toEqual([]);
    expect(messages(map(reader({ InputType: 'JSON', ItemsPointer: '/a', MaxItemsPath: '$.n' })))).toEqual([]);
    expect(messages(map({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', 'Prefix.$': '$.p' }, WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' } } }))).toEqual([]);
    expect(messages(map({ ResultWriter: { WriterConfig: { Transformation: 'COMPACT' } } }))).toEqual([]);
  });

  it('rejects unknown values, missing headers, both MaxItems forms and an empty ResultWriter', () => {
    expect(messages(map(reader({ InputType: 'XML' })))).toEqual(["The field 'InputType' should have one of these values: [CSV, JSON, JSONL, MANIFEST, PARQUET]"]);
    expect(messages(map(reader({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN' })))).toEqual(['These fields are required: [CSVHeaders]']);
    expect(messages(map(reader({ InputType: 'JSON', MaxItems: 1, MaxItemsPath: '$.n' })))).toEqual(['These fields cannot be specified together: [MaxItems, MaxItemsPath]']);
    expect(messages(map(reader({ InputType: 'JSON', MaxItems: -1 })))).toEqual(["The value for the field 'MaxItems' must be greater than or equal to 0"]);
    expect(messages(map({ ResultWriter: {} }))).toEqual(['These fields are required: [Resource]']);
    expect(messages(map({ ResultWriter: { WriterConfig: { Transformation: 'ALL', Other: 1 } } }))).toEqual([
      "Field 'Other' is not supported",
      "The field 'Transformation' should have one of these values: [NONE, COMPACT, FLATTEN]",
    ]);
  });
});
