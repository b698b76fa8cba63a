import { validateDefinition } from '@redstep/core';
import type { ApiContext } from '../context.js';
import { optStr, str } from './common.js';

type Body = Record<string, unknown>;

const DEFAULT_MAX_RESULTS = 100;

/**
 * ValidateStateMachineDefinition: OK or FAIL with diagnostics. `severity` is the lowest
 * severity reported (ERROR hides warnings); `result` is FAIL whenever any error exists, even
 * when maxResults truncates the list.
 */
export function validateStateMachineDefinition(_ctx: ApiContext) {
  return async (body: Body) => {
    const type = (optStr(body, 'type') ?? 'STANDARD') as 'STANDARD' | 'EXPRESS';
    const all = validateDefinition(str(body, 'definition'), { type });
    const severity = optStr(body, 'severity') ?? 'ERROR';
    const shown = severity === 'WARNING' ? all : all.filter((d) => d.severity === 'ERROR');
    const max = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : DEFAULT_MAX_RESULTS;
    return {
      result: all.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK',
      diagnostics: shown.slice(0, max),
      truncated: shown.length > max,
    };
  };
}
