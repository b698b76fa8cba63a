/**
 * The data flow of one state as the inspector shows it: the state's input, each processing
 * field it declares (or the default it falls back to) in the order the service applies them,
 * and its output. JSONata states have Arguments and Output in place of the JSONPath fields.
 * Pure: no DOM.
 */
import type { StepRecord } from './status.js';

export interface FlowStage {
  field: string;
  /** The field's expression as written, or the default it takes when absent. */
  expression?: string;
  /** Whether the state leaves the field to its default. */
  defaulted: boolean;
  /** A value the history records at this point (input, scheduled parameters, output). */
  value?: string;
}

type Json = Record<string, unknown>;

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

/** JSONPath fields in the order they apply, with what an absent one means. */
const JSONPATH_FIELDS: ReadonlyArray<[string, string | undefined]> = [
  ['InputPath', '$'],
  ['ItemsPath', '$'],
  ['ItemSelector', undefined],
  ['Parameters', undefined],
  ['ResultSelector', undefined],
  ['ResultPath', '$'],
  ['OutputPath', '$'],
];

const JSONATA_FIELDS: ReadonlyArray<[string, string | undefined]> = [
  ['Items', undefined],
  ['ItemSelector', undefined],
  ['Arguments', undefined],
  ['Output', '$states.result'],
];

/** Which fields a state type may carry at all (Pass has no ResultSelector, Choice only paths). */
function applies(type: string, field: string): boolean {
  switch (field) {
    case 'ItemsPath':
    case 'ItemSelector':
    case 'Items':
      return type === 'Map';
    case 'ResultSelector':
      return type === 'Task' || type === 'Map' || type === 'Parallel';
    case 'Parameters':
    case 'Arguments':
      return type === 'Task' || type === 'Map' || type === 'Parallel' || type === 'Pass';
    case 'ResultPath':
      return type !== 'Choice' && type !== 'Wait' && type !== 'Succeed' && type !== 'Fail';
    case 'InputPath':
    case 'OutputPath':
    case 'Output':
      return type !== 'Fail';
    default:
      return true;
  }
}

export function dataFlow(def: Json, record: StepRecord | undefined, topLevelLanguage?: string): FlowStage[] {
  const type = typeof def['Type'] === 'string' ? def['Type'] : '';
  const jsonata = (def['QueryLanguage'] ?? topLevelLanguage) === 'JSONata';
  const stages: FlowStage[] = [{ field: 'State input', defaulted: false, value: record?.input }];
  for (const [field, fallback] of jsonata ? JSONATA_FIELDS : JSONPATH_FIELDS) {
    if (!applies(type, field)) continue;
    const present = Object.hasOwn(def, field);
    if (!present && fallback === undefined && !(field === 'Parameters' || field === 'Arguments')) continue;
    const stage: FlowStage = { field, defaulted: !present, expression: present ? show(def[field]) : fallback };
    if ((field === 'Parameters' || field === 'Arguments') && record?.parameters !== undefined) stage.value = record.parameters;
    if ((field === 'Parameters' || field === 'Arguments') && !present && stage.value === undefined) continue;
    stages.push(stage);
  }
  if (Object.hasOwn(def, 'Assign')) stages.push({ field: 'Assign', defaulted: false, expression: show(def['Assign']) });
  stages.push({ field: 'State output', defaulted: false, value: record?.output });
  return stages;
}
