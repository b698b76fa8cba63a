import { describe, expect, it } from 'vitest';
import { stringMatches } from './string-matches.js';

describe('stringMatches', () => {
  it.each([
    ['log-2024.txt', '*.txt', true],
    ['log-2024.txt', 'log-*', true],
    ['log-2024.txt', 'log*2024*', true],
    ['log', 'log*', true],
    ['a\nb', 'a*b', true],
    ['log.csv', '*.txt', false],
    ['a*b', 'a\\*b', true],
    ['axb', 'a\\*b', false],
    ['a\\b', 'a\\\\b', true],
    ['(x).+[y]', '(x).+[y]', true],
    ['', '*', true],
    ['', '', true],
    ['abc', 'ABC', false],
  ])('%j against %j is %s', (value, pattern, expected) => {
    expect(stringMatches(value, pattern)).toBe(expected);
  });
});
