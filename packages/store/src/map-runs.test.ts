import { mapRunChildName, parseMapRunChildName, type MapRunChild } from '@redstep/core';
import { describe, expect, it } from 'vitest';
import { childField, childNamePrefixOf, childWrites } from './map-runs.js';

const RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan:0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d';
const child = (index: number, status: MapRunChild['status'], start = 1_000): MapRunChild => ({ mapRunArn: RUN, index, status, start, input: index, redriveCount: 0 });

describe('map run children in the store', () => {
  it('a child name leads back to its map run by the prefix the outbox points from', () => {
    expect(childNamePrefixOf('0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d')).toBe(parseMapRunChildName(mapRunChildName(RUN, 7))!.prefix);
  });

  it('writes one field per child report, in report order (a later report of the same child wins in one HSET)', () => {
    const writes = childWrites([child(0, 'RUNNING'), child(1, 'SUCCEEDED'), { ...child(0, 'ABORTED'), stop: 1_500 }], 900);
    expect(writes.map(([field]) => field)).toEqual([childField(RUN, 0), childField(RUN, 1), childField(RUN, 0)]);
    expect(childField(RUN, 12)).toBe('0a1b2c3d-4e5f:12');
    expect(JSON.parse(writes[2]![1])).toEqual({ s: 'A', a: 100, z: 600, i: 0 });
  });
});
