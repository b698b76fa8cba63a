/** Walks a whole definition: the machine's own fields, every state, every nested container. */
import { at, isObject, Diagnostics, type JsonObject, type MachineType, type QueryLanguage } from './diagnostics.js';
import type { Walk } from './context.js';
import { checkGraph } from './references.js';
import { checkState } from './state.js';

const ROOT_FIELDS = ['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage'];
const CONTAINER_FIELDS = { branch: ['Comment', 'StartAt', 'States'], processor: ['Comment', 'StartAt', 'States', 'ProcessorConfig'] };

export function checkDefinition(root: JsonObject, machineType: MachineType): Diagnostics {
  const d = new Diagnostics();
  const rootLanguage: QueryLanguage = root['QueryLanguage'] === 'JSONata' ? 'JSONata' : 'JSONPath';
  const walk: Walk = {
    d,
    machineType,
    rootLanguage,
    scopes: [],
    names: new Map(),
    container: (value, location, kind) => {
      if (!isObject(value)) return d.schema('Expected value of type OBJECT', location);
      for (const key of Object.keys(value)) {
        if (!CONTAINER_FIELDS[kind].includes(key)) d.schema(`Field '${key}' is not supported`, location);
      }
      checkContainer(walk, value, location);
    },
  };
  checkRootFields(walk, root);
  checkContainer(walk, root, '/');
  // Graph rules (targets, reachability, terminal states) only run on a schema-valid definition.
  if (!d.hasErrors) for (const scope of walk.scopes) checkGraph(d, scope);
  return d;
}

function checkRootFields(walk: Walk, root: JsonObject): void {
  const d = walk.d;
  for (const key of Object.keys(root)) {
    if (!ROOT_FIELDS.includes(key)) d.schema(`Field '${key}' is not supported`, '/');
  }
  const language = root['QueryLanguage'];
  if (language !== undefined && language !== 'JSONPath' && language !== 'JSONata') {
    d.schema("The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]", '/QueryLanguage');
  }
  const timeout = root['TimeoutSeconds'];
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > 99999999)) {
    d.schema("The value for the field 'TimeoutSeconds' must be an integer between 0 and 99999999", '/TimeoutSeconds');
  }
  if (root['Version'] !== undefined && typeof root['Version'] !== 'string') d.schema("Expected value of type String at field 'Version'", '/Version');
  if (root['Comment'] !== undefined && typeof root['Comment'] !== 'string') d.schema("Expected value of type String at field 'Comment'", '/Comment');
}

function checkContainer(walk: Walk, container: JsonObject, location: string): void {
  const d = walk.d;
  const missing = ['States', 'StartAt'].filter((f) => !(f in container));
  if (missing.length > 0) return d.schema(`These fields are required: [${missing.join(', ')}]`, location);
  const { StartAt: startAt, States: states } = container;
  if (typeof startAt !== 'string') d.schema("Expected value of type String at field 'StartAt'", at(location, 'StartAt'));
  if (!isObject(states)) return d.schema("Expected value of type OBJECT at field 'States'", at(location, 'States'));
  if (Object.keys(states).length === 0) return d.schema('Value cannot be empty', at(location, 'States'));
  if (typeof startAt === 'string') walk.scopes.push({ location, startAt, states });
  const statesLocation = at(location, 'States');
  for (const [name, state] of Object.entries(states)) checkState(walk, name, state, at(statesLocation, name), walk.rootLanguage);
}
