export { evaluateChoiceRule, selectChoice } from './evaluate.js';
export { parseTimestamp, isTimestamp } from './timestamp.js';
export { stringMatches } from './string-matches.js';
