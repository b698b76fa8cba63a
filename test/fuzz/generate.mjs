// Request generators of the fuzzer: model-shaped bodies from the service model, and the ways a
// hostile or broken client gets them wrong (wrong types, nulls, huge values, broken JSON). Every
// choice comes from one seeded generator, so a seed replays the same requests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MODEL_PATH = fileURLToPath(new URL('../../../shared/spec/stepfunctions-2016-11-23.service.json', import.meta.url));

export function loadModel(path = MODEL_PATH) {
  const model = JSON.parse(readFileSync(path, 'utf8'));
  const actions = Object.keys(model.operations).sort();
  return { shapes: model.shapes, actions, input: (action) => model.operations[action].input?.shape };
}

/** Definitions a fuzzed state machine may get: cheap, quick to finish, every state type. */
export function definitions(activityArn) {
  const defs = [
    { StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } },
    { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, Next: 'S' }, S: { Type: 'Succeed' } } },
    { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Fuzz', Cause: 'by design' } } },
    { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericGreaterThan: 1, Next: 'Y' }], Default: 'N' }, Y: { Type: 'Succeed' }, N: { Type: 'Fail' } } },
    { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true } } },
    { StartAt: 'D', States: { D: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Label: 'dm', End: true } } },
    { StartAt: 'L', States: { L: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }], End: true } } },
    { QueryLanguage: 'JSONata', StartAt: 'J', States: { J: { Type: 'Pass', Output: '{% $states.input.x + 1 %}', End: true } } },
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 5, End: true } } },
  ];
  return defs.map((d) => JSON.stringify(d));
}

const JUNK_STRINGS = ['', ' ', 'null', '{', '}', '[]', '\u0000', '\ud800', 'é✓🙂', '%00', '../../etc/passwd', '{{}}', 'a'.repeat(81), 'arn:', 'arn:aws:states:::', '$.x', '#', ':::::', '\\', '"', '<script>', '1e309', '-0'];
const JUNK_VALUES = [null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, 'text', [], {}, [null], { a: null }, [[[]]]];

/**
 * A generator bound to a seeded random source and the pool of resources the fuzz has seen, so
 * model-shaped requests name real ARNs, tokens and page tokens often enough to reach handlers.
 */
export function generator(model, r, pool) {
  const chance = (p) => r.next() < p;
  const pick = (list) => list[Math.floor(r.next() * list.length)];
  const randText = (n, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_') => Array.from({ length: n }, () => alphabet[Math.floor(r.next() * alphabet.length)]).join('');
  const name = () => (chance(0.9) ? `fz-${randText(r.int(1, 12))}` : pick(['', 'a b', 'bad{name}', 'x'.repeat(81), 'ünï', 'a:b', 'a/b', '*', 'fz-' + 'n'.repeat(77)]));
  const huge = () => 'h'.repeat(pick([257, 4097, 32_769, 262_145, 300_000]));
  const json = () => pick([JSON.stringify({ x: r.int(-5, 5), items: Array.from({ length: r.int(0, 3) }, (_, i) => i) }), '{}', '[]', '"s"', '1', 'null', '{"x":', 'not json', JSON.stringify({ deep: nest(r.int(1, 600)) })]);

  function arn(member) {
    const lower = member.toLowerCase();
    const candidates = lower.includes('execution')
      ? pool.executions
      : lower.includes('activity')
        ? pool.activities
        : lower.includes('maprun')
          ? pool.mapRuns
          : lower.includes('version')
            ? pool.versions
            : lower.includes('alias')
              ? pool.aliases
              : lower.includes('statemachine')
                ? [...pool.stateMachines, ...pool.versions, ...pool.aliases]
                : lower.includes('role')
                  ? ['arn:aws:iam::123456789012:role/fuzz']
                  : [...pool.stateMachines, ...pool.activities, ...pool.executions];
    if (candidates.length && chance(0.75)) {
      const real = pick(candidates);
      return chance(0.8) ? real : mutateArn(real);
    }
    return pick([
      `arn:aws:states:us-east-1:123456789012:stateMachine:${name()}`,
      `arn:aws:states:us-east-1:123456789012:execution:${name()}:${name()}`,
      `arn:aws:states:us-east-1:123456789012:activity:${name()}`,
      `arn:aws:states:us-east-1:123456789012:mapRun:${name()}/x:${randText(8)}`,
      `arn:aws:states:eu-west-1:999999999999:stateMachine:${name()}`,
      `arn:aws:states:us-east-1:123456789012:stateMachine:${name()}:${pick(['1', '0', '99999999999', 'live', '$LATEST'])}`,
      pick(JUNK_STRINGS),
    ]);
  }

  function mutateArn(real) {
    return pick([
      real.replace(/:\d{12}:/, ':999999999999:'),
      real.replace(/:[a-z]{2}-[a-z]+-\d:/, ':eu-north-1:'),
      `${real}/label`,
      `${real}:1`,
      `${real}#Case`,
      real.slice(0, r.int(0, real.length)),
      real.replace(':states:', ':lambda:'),
      real.replace(/[a-z]+:([^:]*)$/, 'activity:$1'),
      `${real}${'x'.repeat(r.int(1, 300))}`,
    ]);
  }

  /** A value of `shapeName` as the model describes it, `member` naming what it is for. */
  function value(shapeName, member, depth = 0) {
    const shape = model.shapes[shapeName];
    switch (shape.type) {
      case 'structure': {
        const out = {};
        for (const [m, spec] of Object.entries(shape.members)) {
          if ((shape.required ?? []).includes(m) ? chance(0.97) : chance(depth > 0 ? 0.5 : 0.35)) out[m] = value(spec.shape, m, depth + 1);
        }
        return out;
      }
      case 'list': {
        const n = chance(0.9) ? r.int(shape.min ?? 0, Math.min(shape.max ?? 4, 4)) : r.int(0, 60);
        return Array.from({ length: n }, () => value(shape.member.shape, member, depth + 1));
      }
      case 'map': {
        const out = {};
        for (let i = r.int(0, 3); i > 0; i--) out[randText(r.int(1, 6))] = value(shape.value.shape, member, depth + 1);
        return out;
      }
      case 'boolean':
        return chance(0.5);
      case 'integer':
      case 'long':
      case 'float': {
        const lo = shape.min ?? -5;
        const hi = shape.max ?? 1000;
        return chance(0.85) ? (shape.type === 'float' ? Math.round(r.next() * (hi - lo) * 10) / 10 + lo : r.int(lo, Math.min(hi, lo + 1000))) : pick([lo - 1, hi + 1, 2 ** 31, 2 ** 63, -(2 ** 31) - 1, 0.5, 1e21]);
      }
      case 'timestamp':
        return chance(0.8) ? Date.now() / 1000 : pick([-1, 1e15, 'yesterday']);
      case 'string':
        return string(shapeName, shape, member);
      default:
        return null;
    }
  }

  function string(shapeName, shape, member) {
    if (shape.enum) return chance(0.9) ? pick(shape.enum) : pick(['', 'standard', shape.enum[0].toLowerCase(), 'X'.repeat(40)]);
    if (chance(0.03)) return pick(JUNK_STRINGS);
    if (chance(0.01)) return huge();
    if (shapeName === 'Arn' || shapeName === 'LongArn' || /arn$/i.test(member)) return arn(member);
    switch (member) {
      case 'name':
      case 'workerName':
        return name();
      case 'definition':
        return chance(0.85) ? pick(pool.definitions) : pick(['{', '{}', JSON.stringify({ StartAt: 'X', States: {} }), JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Next: 'P' } } }), JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true, Parameters: nest(r.int(10, 400)) } } })]);
      case 'input':
      case 'output':
      case 'variables':
      case 'context':
        return json();
      case 'taskToken':
        return pool.tokens.length && chance(0.6) ? pick(pool.tokens) : pick([randText(r.int(1, 300), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='), 'e30=', Buffer.from(JSON.stringify({ a: 1 })).toString('base64'), '']);
      case 'nextToken':
        return pool.pageTokens.length && chance(0.6) ? mutateToken(pick(pool.pageTokens)) : pick(['x', 'e30=', Buffer.from('{"c":-1}').toString('base64'), randText(200)]);
      case 'revisionId':
        return pool.revisions.length && chance(0.5) ? pick(pool.revisions) : randText(r.int(1, 40));
      case 'key':
        return chance(0.9) ? `k${r.int(0, 60)}` : pick(['', 'aws:reserved', 'k'.repeat(129)]);
      default:
        return randText(r.int(shape.min ?? 0, Math.min(shape.max ?? 20, 20)));
    }
  }

  function mutateToken(t) {
    return chance(0.6) ? t : pick([t.slice(1), t + 'A', t.toUpperCase(), Buffer.from(Buffer.from(t, 'base64').toString('utf8').replace(/\d/, '7')).toString('base64')]);
  }

  /** A model-shaped body for `action`, then spoiled in one way (or not at all). */
  function body(action) {
    const shapeName = model.input(action);
    const b = shapeName ? value(shapeName, '') : {};
    const mode = r.pick([
      ['shaped', 60],
      ['wrongType', 12],
      ['nulls', 6],
      ['extra', 6],
      ['huge', 4],
      ['raw', 12],
    ]);
    const members = Object.keys(b);
    switch (mode) {
      case 'shaped':
        return { mode, text: JSON.stringify(b) };
      case 'wrongType': {
        const target = members.length ? pick(members) : 'x';
        b[target] = pick(JUNK_VALUES);
        return { mode, text: JSON.stringify(b) };
      }
      case 'nulls':
        for (const m of members) if (chance(0.5)) b[m] = null;
        return { mode, text: JSON.stringify(b) };
      case 'extra':
        // defineProperty: an assignment to `__proto__` would set the prototype, not send a member.
        Object.defineProperty(b, pick(['__proto__', 'constructor', 'hasOwnProperty', randText(8), 'Name', 'stateMachineARN']), { value: pick(JUNK_VALUES), enumerable: true });
        return { mode, text: JSON.stringify(b) };
      case 'huge': {
        const target = members.length ? pick(members) : 'name';
        b[target] = chance(0.7) ? huge() : Array.from({ length: r.int(1000, 20_000) }, () => 'x');
        return { mode, text: JSON.stringify(b) };
      }
      default:
        return { mode, text: rawBody(JSON.stringify(b)) };
    }
  }

  function rawBody(valid) {
    return pick([
      valid.slice(0, r.int(0, valid.length)),
      `${valid}}`,
      `[${valid}]`,
      '',
      'null',
      '"string"',
      '12',
      '\ufeff' + valid,
      '['.repeat(r.int(1000, 200_000)) + ']'.repeat(r.int(0, 10)),
      `{"a":${'['.repeat(r.int(1000, 100_000))}${']'.repeat(100_000)}}`,
      `{"a":${nestText(r.int(500, 50_000))}}`,
      valid.replace(/"/g, "'"),
      '{"a":1,"a":2}',
      '{"\\ud800":"\\udfff"}',
    ]);
  }

  return { body, chance, pick, randText, name };
}

/** The JSON text of an object nested `depth` levels deep (JSON.stringify would recurse). */
export function nestText(depth) {
  return `${'{"n":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** An object nested `depth` levels deep, built without recursion. */
export function nest(depth) {
  let v = { leaf: 1 };
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
}
