/**
 * A large definition of the shape real ones have, for the layout's tests and bench/console.mjs:
 * runs of Task and Pass states, a Choice every 25 states, a Catch on every fifth state, and
 * Parallel and Map states (two levels deep) holding states of their own. `states` counts every
 * state, nested ones included.
 */
type Json = Record<string, unknown>;

export function sampleDefinition(states: number): Json {
  let count = 0;
  const block = (budget: number, depth: number): Json => {
    const defs: Record<string, Json> = {};
    const names: string[] = [];
    while (count < states && budget > 0) {
      const name = `S${count++}`;
      names.push(name);
      budget--;
      const r = count % 25;
      if (depth < 2 && r === 7 && budget > 10) {
        const per = Math.min(8, budget);
        defs[name] = { Type: 'Parallel', Branches: [block(per / 2, depth + 1), block(per / 2, depth + 1)] };
        budget -= per;
      } else if (depth < 2 && r === 17 && budget > 8) {
        defs[name] = { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...block(6, depth + 1) } };
        budget -= 6;
      } else if (r === 3) {
        defs[name] = { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: '' }], Default: '' };
      } else if (r % 2 === 0) {
        defs[name] = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: name } };
      } else {
        defs[name] = { Type: 'Pass' };
      }
    }
    names.forEach((name, i) => {
      const s = defs[name]!;
      const next = names[i + 1];
      if (s['Type'] === 'Choice') {
        if (next) {
          (s['Choices'] as Json[])[0]!['Next'] = next;
          s['Default'] = names[i + 2] ?? next;
        } else {
          defs[name] = { Type: 'Succeed' };
        }
      } else if (next) s['Next'] = next;
      else s['End'] = true;
      if (s['Type'] === 'Task' && i % 5 === 0 && next && names[i + 3]) s['Catch'] = [{ ErrorEquals: ['States.ALL'], Next: names[i + 3] }];
    });
    return { StartAt: names[0], States: defs };
  };
  return block(states, 0);
}
