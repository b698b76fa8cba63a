/**
 * Step Functions Local's mock configuration file: test cases name, per Task state, a mocked
 * response; a mocked response lists what successive calls of that state return or throw.
 *
 * ```json
 * { "StateMachines": { "<machine name>": { "TestCases": { "<case>": { "<state>": "<response>" } } } },
 *   "MockedResponses": { "<response>": { "0": { "Return": {...} }, "1-2": { "Throw": { "Error": "...", "Cause": "..." } } } } }
 * ```
 *
 * Pure: the caller reads the file.
 */
export type MockedAnswer = { kind: 'return'; value: unknown } | { kind: 'throw'; error: string; cause: string };

interface Range {
  from: number;
  to: number;
  answer: MockedAnswer;
}

export class MockConfigError extends Error {}

export class MockConfig {
  private constructor(
    private readonly testCases: Map<string, Map<string, Map<string, string>>>,
    private readonly responses: Map<string, Range[]>,
  ) {}

  static parse(text: string): MockConfig {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new MockConfigError(`mock configuration is not JSON: ${(e as Error).message}`);
    }
    const root = object(raw, 'the mock configuration');
    const responses = new Map<string, Range[]>();
    for (const [name, steps] of Object.entries(object(root.MockedResponses ?? {}, 'MockedResponses'))) {
      responses.set(name, ranges(object(steps, `MockedResponses.${name}`), `MockedResponses.${name}`));
    }
    const testCases = new Map<string, Map<string, Map<string, string>>>();
    for (const [machine, spec] of Object.entries(object(root.StateMachines ?? {}, 'StateMachines'))) {
      const cases = new Map<string, Map<string, string>>();
      const where = `StateMachines.${machine}`;
      for (const [caseName, states] of Object.entries(object(object(spec, where).TestCases ?? {}, `${where}.TestCases`))) {
        const byState = new Map<string, string>();
        for (const [state, response] of Object.entries(object(states, `${where}.TestCases.${caseName}`))) {
          const at = `${where}.TestCases.${caseName}.${state}`;
          if (typeof response !== 'string') throw new MockConfigError(`${at} must name a mocked response`);
          if (!responses.has(response)) throw new MockConfigError(`${at} names the mocked response '${response}', which MockedResponses does not define`);
          byState.set(state, response);
        }
        cases.set(caseName, byState);
      }
      testCases.set(machine, cases);
    }
    return new MockConfig(testCases, responses);
  }

  hasTestCase(machine: string, testCase: string): boolean {
    return this.testCases.get(machine)?.has(testCase) ?? false;
  }

  /** Whether the test case mocks this state (states it does not name call their service). */
  mocks(machine: string, testCase: string, state: string): boolean {
    return this.testCases.get(machine)?.get(testCase)?.has(state) ?? false;
  }

  /**
   * The answer to the state's `invocation`-th call (0-based, counted over the execution, retries
   * included). Past the last range, the last answer repeats.
   */
  answer(machine: string, testCase: string, state: string, invocation: number): MockedAnswer | undefined {
    const name = this.testCases.get(machine)?.get(testCase)?.get(state);
    const list = name === undefined ? undefined : this.responses.get(name);
    if (!list) return undefined;
    return (list.find((r) => invocation >= r.from && invocation <= r.to) ?? list[list.length - 1]!).answer;
  }
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MockConfigError(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** "0", "1-2", "3": consecutive invocation ranges from 0, each with exactly one of Return and Throw. */
function ranges(steps: Record<string, unknown>, where: string): Range[] {
  const out: Range[] = [];
  for (const [key, value] of Object.entries(steps)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(key);
    if (!m) throw new MockConfigError(`${where}: '${key}' is not an invocation index ("0") or range ("1-2")`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new MockConfigError(`${where}: range '${key}' ends before it starts`);
    const step = object(value, `${where}.${key}`);
    const hasReturn = 'Return' in step;
    const hasThrow = 'Throw' in step;
    if (hasReturn === hasThrow) throw new MockConfigError(`${where}.${key} must have exactly one of Return and Throw`);
    let answer: MockedAnswer;
    if (hasReturn) answer = { kind: 'return', value: step.Return };
    else {
      const t = object(step.Throw, `${where}.${key}.Throw`);
      if (typeof t.Error !== 'string' || typeof t.Cause !== 'string') throw new MockConfigError(`${where}.${key}.Throw needs string Error and Cause`);
      answer = { kind: 'throw', error: t.Error, cause: t.Cause };
    }
    out.push({ from, to, answer });
  }
  out.sort((a, b) => a.from - b.from);
  if (out.length === 0) throw new MockConfigError(`${where} defines no response`);
  let next = 0;
  for (const r of out) {
    if (r.from !== next) throw new MockConfigError(`${where}: invocation ${next} has no response (ranges must be consecutive from 0)`);
    next = r.to + 1;
  }
  return out;
}
