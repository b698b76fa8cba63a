/**
 * AWS's rules for resource names (state machines, executions, activities, map runs, aliases).
 * The model only bounds their length (ValidationException); the character rules below are
 * checked by the service itself and answered with `InvalidName: Invalid Name: '<name>'`.
 *
 * A name must be 1-80 characters and must not contain: white space; brackets `< > { } [ ]`;
 * wildcards `? *`; special characters `" # % \ ^ | ~ \` $ & , ; : /`; control characters
 * U+0000-001F, U+007F-009F, U+FFFE-FFFF; surrogates U+D800-DFFF; U+10FFFF.
 * Names are read as code points, so a well-formed pair (an emoji) is one allowed character and
 * only a lone surrogate counts as "surrogate".
 *
 * Alias names follow the model's CharacterRestrictedName pattern instead: letters, digits,
 * `_ - .`, and at least one non-digit so an alias never looks like a version number.
 */
import { InvalidName } from './errors.js';

export type NameKind = 'stateMachine' | 'execution' | 'activity' | 'mapRun' | 'alias';

export const NAME_MAX_LENGTH = 80;

const FORBIDDEN = new Set('<>{}[]?*"#%\\^|~`$&,;:/');
const ALIAS = /^(?=.*[a-zA-Z_.-])[a-zA-Z0-9_.-]+$/;

function forbiddenCodePoint(cp: number, ch: string): boolean {
  return (
    FORBIDDEN.has(ch) ||
    /\s/u.test(ch) ||
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xfffe ||
    cp === 0xffff ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp === 0x10ffff
  );
}

/** True when `name` follows the rules for `kind`. */
export function isValidName(name: string, kind: NameKind = 'stateMachine'): boolean {
  const chars = [...name];
  if (chars.length < 1 || chars.length > NAME_MAX_LENGTH) return false;
  switch (kind) {
    case 'alias':
      return ALIAS.test(name);
    case 'stateMachine':
    case 'execution':
    case 'activity':
    case 'mapRun':
      return !chars.some((ch) => forbiddenCodePoint(ch.codePointAt(0)!, ch));
    default: {
      const never: never = kind;
      throw new Error(`unknown name kind ${String(never)}`);
    }
  }
}

/** The error to throw for an invalid name, or undefined when the name is fine. */
export function nameError(name: string, kind: NameKind = 'stateMachine'): InvalidName | undefined {
  return isValidName(name, kind) ? undefined : new InvalidName(`Invalid Name: '${name}'`);
}

export function assertValidName(name: string, kind: NameKind = 'stateMachine'): void {
  const err = nameError(name, kind);
  if (err) throw err;
}
