/** Which fields each state type accepts, per query language. Anything else is refused. */
import type { QueryLanguage } from './diagnostics.js';

export const STATE_TYPES = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice', 'Parallel', 'Map'] as const;
export type StateTypeName = (typeof STATE_TYPES)[number];

export function isStateType(value: unknown): value is StateTypeName {
  return typeof value === 'string' && (STATE_TYPES as readonly string[]).includes(value);
}

const BASE = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const IO_PATHS = ['InputPath', 'OutputPath'];
const ERRORS = ['Retry', 'Catch'];

interface FieldSets {
  both: string[];
  JSONPath: string[];
  JSONata: string[];
}

function fieldSets(type: StateTypeName): FieldSets {
  switch (type) {
    case 'Pass':
      return { both: [...FLOW, 'Assign'], JSONPath: [...IO_PATHS, 'Parameters', 'ResultPath', 'Result'], JSONata: ['Output'] };
    case 'Task':
      return {
        both: [...FLOW, 'Assign', ...ERRORS, 'Resource', 'TimeoutSeconds', 'HeartbeatSeconds', 'Credentials'],
        JSONPath: [...IO_PATHS, 'Parameters', 'ResultSelector', 'ResultPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath'],
        JSONata: ['Arguments', 'Output'],
      };
    case 'Choice':
      return { both: ['Choices', 'Default', 'Assign'], JSONPath: [...IO_PATHS], JSONata: ['Output'] };
    case 'Wait':
      return { both: [...FLOW, 'Assign', 'Seconds', 'Timestamp'], JSONPath: [...IO_PATHS, 'SecondsPath', 'TimestampPath'], JSONata: ['Output'] };
    case 'Succeed':
      return { both: [], JSONPath: [...IO_PATHS], JSONata: ['Output'] };
    case 'Fail':
      return { both: ['Error', 'Cause'], JSONPath: ['ErrorPath', 'CausePath'], JSONata: [] };
    case 'Parallel':
      return {
        both: [...FLOW, 'Assign', ...ERRORS, 'Branches'],
        JSONPath: [...IO_PATHS, 'Parameters', 'ResultSelector', 'ResultPath'],
        JSONata: ['Arguments', 'Output'],
      };
    case 'Map':
      return {
        both: [...FLOW, 'Assign', ...ERRORS, 'ItemProcessor', 'Iterator', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'MaxConcurrency', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Label'],
        JSONPath: [...IO_PATHS, 'Parameters', 'ResultSelector', 'ResultPath', 'ItemsPath', 'MaxConcurrencyPath', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath'],
        JSONata: ['Items', 'Output'],
      };
    default: {
      const unreachable: never = type;
      throw new Error(`unknown state type ${String(unreachable)}`);
    }
  }
}

export type FieldVerdict = 'ok' | 'unsupported' | 'other-language';

export function fieldVerdict(type: StateTypeName, language: QueryLanguage, field: string): FieldVerdict {
  const sets = fieldSets(type);
  if (BASE.includes(field) || sets.both.includes(field) || sets[language].includes(field)) return 'ok';
  const other: QueryLanguage = language === 'JSONPath' ? 'JSONata' : 'JSONPath';
  return sets[other].includes(field) ? 'other-language' : 'unsupported';
}
