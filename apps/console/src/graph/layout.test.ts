import { describe, expect, test } from 'vitest';
import { layoutGraph, type PlacedNode } from './layout.js';
import { definitionGraph, enclosingMaps, statesByName } from './model.js';
import { sampleDefinition } from './sample.js';

const inside = (a: PlacedNode, b: PlacedNode) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: PlacedNode, b: PlacedNode) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

const definition = {
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Fan' }], Default: 'Reject' },
    Reject: { Type: 'Fail', Error: 'No' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'A2' }, A2: { Type: 'Pass', End: true } } },
        { StartAt: 'Each', States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Oops' }], End: true }, Oops: { Type: 'Pass', End: true } } }, End: true } } },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

describe('definitionGraph', () => {
  test('one node per state, edges for Next, Choice rules, Default and Catch; branches nested', () => {
    const g = definitionGraph(JSON.stringify(definition));
    expect(g.nodes.map((n) => n.name)).toEqual(['Check', 'Reject', 'Fan', 'Done']);
    expect(g.edges).toEqual([
      { from: 'Check', to: 'Fan', kind: 'choice' },
      { from: 'Check', to: 'Reject', kind: 'default' },
      { from: 'Fan', to: 'Done', kind: 'next' },
    ]);
    const states = statesByName(g);
    expect([...states.keys()].sort()).toEqual(['A', 'A2', 'Check', 'Done', 'Each', 'Fan', 'Oops', 'Reject', 'Work']);
    expect(states.get('Fan')!.branches).toHaveLength(2);
    expect(states.get('Each')!.branches[0]!.edges).toEqual([{ from: 'Work', to: 'Oops', kind: 'catch' }]);
    expect(enclosingMaps(g).get('Work')).toBe('Each');
    expect(enclosingMaps(g).get('A')).toBeUndefined();
  });
});

describe('layoutGraph', () => {
  test('places every state once, children inside their group, siblings apart', () => {
    const layout = layoutGraph(definitionGraph(definition));
    const byName = new Map(layout.nodes.map((n) => [n.name, n]));
    expect(layout.nodes).toHaveLength(9);
    expect(byName.get('Fan')!.group).toBe(true);
    for (const child of ['A', 'A2', 'Each', 'Work', 'Oops']) expect(inside(byName.get(child)!, byName.get('Fan')!), child).toBe(true);
    for (const child of ['Work', 'Oops']) expect(inside(byName.get(child)!, byName.get('Each')!), child).toBe(true);
    expect(overlap(byName.get('A')!, byName.get('Each')!)).toBe(false);
    expect(overlap(byName.get('Check')!, byName.get('Fan')!)).toBe(false);
    // Top to bottom: the Choice above the Parallel above the Succeed.
    expect(byName.get('Check')!.y).toBeLessThan(byName.get('Fan')!.y);
    expect(byName.get('Fan')!.y + byName.get('Fan')!.h).toBeLessThanOrEqual(byName.get('Done')!.y);
    for (const n of layout.nodes) expect(n.x + n.w <= layout.width && n.y + n.h <= layout.height, n.name).toBe(true);
    // Every edge starts on its source's border and ends on its target's.
    for (const e of layout.edges) expect(e.points.length, `${e.from}->${e.to}`).toBeGreaterThanOrEqual(2);
  });

  test('a 500-state definition: every state placed, no two states of one level overlapping', () => {
    const graph = definitionGraph(sampleDefinition(500));
    expect(statesByName(graph).size).toBe(500);
    const layout = layoutGraph(graph);
    expect(layout.nodes).toHaveLength(500);
    const top = layout.nodes.filter((n) => n.depth === 0).sort((a, b) => a.y - b.y);
    for (let i = 1; i < top.length; i++) {
      for (let j = Math.max(0, i - 8); j < i; j++) expect(overlap(top[i]!, top[j]!), `${top[i]!.name} / ${top[j]!.name}`).toBe(false);
    }
  });

  test('a loop (a state leading back to an earlier one) lays out', () => {
    const loop = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Choice', Choices: [{ Variable: '$.again', BooleanEquals: true, Next: 'A' }], Default: 'C' }, C: { Type: 'Succeed' } } };
    const layout = layoutGraph(definitionGraph(loop));
    expect(layout.nodes.map((n) => n.name).sort()).toEqual(['A', 'B', 'C']);
    expect(layout.edges.find((e) => e.from === 'B' && e.to === 'A')).toBeDefined();
  });
});
