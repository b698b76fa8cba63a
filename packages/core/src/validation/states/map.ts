import { at, isObject } from '../diagnostics.js';
import type { StateCheck } from '../context.js';
import { labelProblem } from '../label.js';
import { checkNumber, checkNumberValue } from '../numbers.js';
import { checkPath, checkResultPath, checkTemplateFor } from '../payload.js';

export function checkMap(check: StateCheck): void {
  const { state, location, walk } = check;
  const d = walk.d;
  checkLabel(check);
  const hasProcessor = 'ItemProcessor' in state;
  const hasIterator = 'Iterator' in state;
  if (hasProcessor && hasIterator) d.schema('These fields cannot be specified together: [ItemProcessor, Iterator]', location);
  else if (!hasProcessor && !hasIterator) d.schema('These fields are required: [ItemProcessor]', location);
  checkNumber(check, state, 'MaxConcurrency', { min: 0, max: 2147483647 });
  checkNumber(check, state, 'ToleratedFailurePercentage', { min: 0, max: 100, integer: false });
  checkNumber(check, state, 'ToleratedFailureCount', { min: 0, max: 2147483647 });
  for (const field of ['MaxConcurrency', 'ToleratedFailurePercentage', 'ToleratedFailureCount']) {
    if (field in state && `${field}Path` in state) d.schema(`These fields cannot be specified together: [${field}, ${field}Path]`, location);
  }
  if (check.language === 'JSONPath') {
    for (const field of ['InputPath', 'OutputPath', 'ItemsPath']) checkPath(state, field, location, d);
    for (const field of ['MaxConcurrencyPath', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath']) checkPath(state, field, location, d, false);
    checkResultPath(state, location, d);
    for (const field of ['Parameters', 'ItemSelector', 'ResultSelector']) {
      if (state[field] !== undefined) checkTemplateFor('JSONPath', state[field], at(location, field), d);
    }
  } else {
    for (const field of ['Items', 'ItemSelector']) {
      if (state[field] !== undefined) checkTemplateFor('JSONata', state[field], at(location, field), d);
    }
  }
  checkReader(check);
  checkWriter(check);
  const processorField = hasProcessor ? 'ItemProcessor' : 'Iterator';
  const processor = state[processorField];
  if (processor !== undefined) {
    if (hasProcessor && isObject(processor)) checkProcessorConfig(check, processor['ProcessorConfig'], at(location, 'ItemProcessor'));
    walk.container(processor, at(location, processorField), 'processor');
  }
}

function checkLabel(check: StateCheck): void {
  const label = check.state['Label'];
  if (label === undefined) return;
  const location = at(check.location, 'Label');
  if (typeof label !== 'string') return check.walk.d.schema("Expected value of type String at field 'Label'", location);
  const problem = labelProblem(label);
  if (problem !== undefined) check.walk.d.error('INVALID_LABEL_NAME', problem, location);
}

function checkProcessorConfig(check: StateCheck, config: unknown, location: string): void {
  const d = check.walk.d;
  if (config === undefined) return;
  const here = at(location, 'ProcessorConfig');
  if (!isObject(config)) return d.schema("The value for the field 'ProcessorConfig' must be an OBJECT", location);
  for (const key of Object.keys(config)) {
    if (key !== 'Mode' && key !== 'ExecutionType') d.schema(`Field '${key}' is not supported`, here);
  }
  const mode = config['Mode'];
  if (mode !== undefined && mode !== 'INLINE' && mode !== 'DISTRIBUTED') d.schema("The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]", at(here, 'Mode'));
  const type = config['ExecutionType'];
  if (type !== undefined && type !== 'STANDARD' && type !== 'EXPRESS') d.schema("The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]", at(here, 'ExecutionType'));
  if (mode === 'DISTRIBUTED' && type === undefined) d.schema('These fields are required: [ExecutionType]', here);
}

function checkReader(check: StateCheck): void {
  const reader = check.state['ItemReader'];
  if (reader === undefined) return;
  const d = check.walk.d;
  const location = at(check.location, 'ItemReader');
  if (!isObject(reader)) return d.schema("The value for the field 'ItemReader' must be an OBJECT", check.location);
  if (!('Resource' in reader)) d.schema('These fields are required: [Resource]', location);
  const payload = check.language === 'JSONPath' ? 'Parameters' : 'Arguments';
  if (reader[payload] !== undefined) checkTemplateFor(check.language, reader[payload], at(location, payload), d);
  onlyFields(check, reader, ['Resource', 'Parameters', 'Arguments', 'ReaderConfig'], location);
  if ('Resource' in reader && typeof reader['Resource'] !== 'string') d.schema("Expected value of type String at field 'Resource'", at(location, 'Resource'));
  const config = reader['ReaderConfig'];
  if (config === undefined) return;
  const here = at(location, 'ReaderConfig');
  if (!isObject(config)) return d.schema("The value for the field 'ReaderConfig' must be an OBJECT", location);
  onlyFields(check, config, ['InputType', 'Transformation', 'ManifestType', 'CSVDelimiter', 'CSVHeaderLocation', 'CSVHeaders', 'ItemsPointer', 'MaxItems', 'MaxItemsPath'], here);
  oneOf(check, config, 'InputType', ['CSV', 'JSON', 'JSONL', 'MANIFEST', 'PARQUET'], here);
  oneOf(check, config, 'Transformation', ['NONE', 'LOAD_AND_FLATTEN'], here);
  oneOf(check, config, 'ManifestType', ['ATHENA_DATA', 'S3_INVENTORY'], here);
  oneOf(check, config, 'CSVDelimiter', ['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB'], here);
  oneOf(check, config, 'CSVHeaderLocation', ['FIRST_ROW', 'GIVEN'], here);
  const headers = config['CSVHeaders'];
  if (headers !== undefined && !(Array.isArray(headers) && headers.every((h) => typeof h === 'string'))) d.schema("Expected value of type Array of String at field 'CSVHeaders'", at(here, 'CSVHeaders'));
  if (config['CSVHeaderLocation'] === 'GIVEN' && headers === undefined) d.schema('These fields are required: [CSVHeaders]', here);
  if (config['MaxItems'] !== undefined) checkNumberValue(d, check.language === 'JSONata', config['MaxItems'], 'MaxItems', { min: 0, max: 100_000_000 }, here);
  if ('MaxItems' in config && 'MaxItemsPath' in config) d.schema('These fields cannot be specified together: [MaxItems, MaxItemsPath]', here);
  if (check.language === 'JSONPath') checkPath(config, 'MaxItemsPath', here, d, false);
}

/** ResultWriter: WriterConfig, or Resource with its Parameters / Arguments, or all three; never empty. */
function checkWriter(check: StateCheck): void {
  const writer = check.state['ResultWriter'];
  if (writer === undefined) return;
  const d = check.walk.d;
  const location = at(check.location, 'ResultWriter');
  if (!isObject(writer)) return d.schema("The value for the field 'ResultWriter' must be an OBJECT", check.location);
  onlyFields(check, writer, ['Resource', 'Parameters', 'Arguments', 'WriterConfig'], location);
  if (!('Resource' in writer) && !('WriterConfig' in writer)) d.schema('These fields are required: [Resource]', location);
  if ('Resource' in writer && typeof writer['Resource'] !== 'string') d.schema("Expected value of type String at field 'Resource'", at(location, 'Resource'));
  const payload = check.language === 'JSONPath' ? 'Parameters' : 'Arguments';
  if (writer[payload] !== undefined) checkTemplateFor(check.language, writer[payload], at(location, payload), d);
  const config = writer['WriterConfig'];
  if (config === undefined) return;
  const here = at(location, 'WriterConfig');
  if (!isObject(config)) return d.schema("The value for the field 'WriterConfig' must be an OBJECT", location);
  onlyFields(check, config, ['OutputType', 'Transformation'], here);
  oneOf(check, config, 'OutputType', ['JSON', 'JSONL'], here);
  oneOf(check, config, 'Transformation', ['NONE', 'COMPACT', 'FLATTEN'], here);
}

function onlyFields(check: StateCheck, owner: Record<string, unknown>, allowed: string[], location: string): void {
  for (const key of Object.keys(owner)) if (!allowed.includes(key)) check.walk.d.schema(`Field '${key}' is not supported`, location);
}

function oneOf(check: StateCheck, owner: Record<string, unknown>, field: string, values: string[], location: string): void {
  const value = owner[field];
  if (value !== undefined && !values.includes(value as string)) check.walk.d.schema(`The field '${field}' should have one of these values: [${values.join(', ')}]`, at(location, field));
}
