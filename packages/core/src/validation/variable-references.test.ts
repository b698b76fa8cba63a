import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../asl/types.js';
import { variableReferences } from './index.js';

const def = (value: object) => value as unknown as StateMachineDefinition;

describe('variableReferences', () => {
  it('is undefined when nothing reads a variable', () => {
    expect(variableReferences(def({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'x.$': '$.y', z: '$notDynamic' }, End: true } } }))).toBeUndefined();
  });

  it('finds variables in paths, `.$` values and intrinsic arguments', () => {
    const refs = variableReferences(def({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', InputPath: '$in', Parameters: { 'f.$': 'States.Format($tpl, $.x, $other.y)' }, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$a', StringEqualsPath: '$b', Next: 'A' }], Default: 'E' },
        E: { Type: 'Succeed' },
      },
    }));
    expect(refs).toEqual({ A: ['in', 'tpl', 'other'], C: ['a', 'b'] });
  });

  it('lists nested states under their own names', () => {
    const refs = variableReferences(def({
      StartAt: 'M',
      States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', OutputPath: '$v', End: true } } }, End: true } },
    }));
    expect(refs).toEqual({ I: ['v'] });
  });

  it('reads JSONata variables but not $states, functions or local bindings', () => {
    const refs = variableReferences(def({
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Pass', Output: '{% ($l := 1; $string($states.input) & $g & $l) %}', End: true } },
    }));
    expect(refs).toEqual({ A: ['g'] });
  });
});
