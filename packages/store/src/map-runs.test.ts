import { mapRunChildName, parseMapRunChildName, type MapRunChild } from '@redstep/core';
import { describe, expect, it } from 'vitest';
import { childField, childNamePrefixOf, childWrites } from './map-runs.js';

const RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan:0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d';
const child = (index: number, status: MapRunChild['status'], start = 1_000): MapRunChild => ({ mapRunArn: RUN, index, status, start, input: index, redriveCount: 0 });

describe('map run children in the store', () => {
  it('a child name leads back to its map run by the prefix the outbox points from', () => {
    expect(childNamePrefixOf('0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d')).toBe(parseMapRunChildName(mapRunChildName(RUN, 7))!.prefix);
  });

  it('writes a field per child: a record, then its history, a line per report with events', () => {
    const aborted: MapRunChild = { ...child(0, 'ABORTED'), stop: 1_500, events: [{ id: 3, previousEventId: 0, timestamp: 1_500, type: 'ExecutionAborted', executionAbortedEventDetails: {} }] };
    const entered = { id: 2, previousEventId: 0, timestamp: 1_000, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'P', input: '0', inputDetails: { truncated: false } } };
    const writes = childWrites([{ ...child(0, 'RUNNING'), events: [entered] }, child(1, 'SUCCEEDED'), aborted], 900);
    expect(childField(RUN, 12)).toBe('0a1b2c3d-4e5f:12');
    // A child's first report sets its record and its history's first line (times from the child's start) ...
    expect(writes.added).toEqual([[childField(RUN, 0), '{"s":"R","a":100,"i":0}\n[[0,"Pass>","P",0]]']]);
    // ... a later one replaces the record and adds its line, if any, to the history.
    expect(writes.updated.map(([field]) => field)).toEqual([childField(RUN, 1), childField(RUN, 0)]);
    expect(JSON.parse(writes.updated[1]![1])).toEqual({ s: 'A', a: 100, z: 600, i: 0 });
    expect(writes.updated.map(([, , line]) => line)).toEqual(['', '[[500,"A",{},0]]']);
  });
});
