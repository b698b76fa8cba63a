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
    ['aXbXc', '*X*X*', true],
    ['aXb', '*X*X*', false],
    ['abab', 'a*b', true],
    ['ab', 'a*b*', true],
    ['aba', 'a*ab', false],
    ['aaa', 'a*aa', true],
    ['aa', 'a*aa', false],
    ['xyz', '**', true],
    ['a*b\\c', 'a\\**\\\\c', true],
  ])('%j against %j is %s', (value, pattern, expected) => {
    expect(stringMatches(value, pattern)).toBe(expected);
  });
});

describe('stringMatches in linear time', () => {
  it('answers many stars over a long string without backtracking', () => {
    const long = 'a'.repeat(200_000);
    expect(stringMatches(long, `${'*a'.repeat(30)}*b`)).toBe(false);
    expect(stringMatches(`${long}b`, `${'*a'.repeat(30)}*b`)).toBe(true);
  });
});
