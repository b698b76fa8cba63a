import { at, isObject } from '../diagnostics.js';
import type { StateCheck } from '../context.js';
import { checkNumber } from '../numbers.js';
import { checkPath, checkResultPath, checkTemplateFor } from '../payload.js';
import { checkResource } from '../resources.js';

const MAX_SECONDS = 99999999;

export function checkTask(check: StateCheck): void {
  const { state, location, walk } = check;
  const d = walk.d;
  if (!('Resource' in state)) return d.schema('These fields are required: [Resource]', location);
  checkResource(check);
  checkNumber(check, state, 'TimeoutSeconds', { min: 1, max: MAX_SECONDS });
  checkNumber(check, state, 'HeartbeatSeconds', { min: 1, max: MAX_SECONDS });
  if ('TimeoutSeconds' in state && 'TimeoutSecondsPath' in state) d.schema('These fields cannot be specified together: [TimeoutSeconds, TimeoutSecondsPath]', location);
  if ('HeartbeatSeconds' in state && 'HeartbeatSecondsPath' in state) d.schema('These fields cannot be specified together: [HeartbeatSeconds, HeartbeatSecondsPath]', location);
  const timeout = state['TimeoutSeconds'];
  const heartbeat = state['HeartbeatSeconds'];
  if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
    d.schema('The value of HeartbeatSeconds must be less than the value of TimeoutSeconds', location);
  }
  if (check.language === 'JSONPath') {
    for (const field of ['InputPath', 'OutputPath']) checkPath(state, field, location, d);
    for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath']) checkPath(state, field, location, d, false);
    checkResultPath(state, location, d);
    for (const field of ['Parameters', 'ResultSelector']) {
      if (state[field] !== undefined) checkTemplateFor('JSONPath', state[field], at(location, field), d);
    }
  } else if (state['Arguments'] !== undefined) {
    checkTemplateFor('JSONata', state['Arguments'], at(location, 'Arguments'), d);
  }
  checkCredentials(check);
}

function checkCredentials(check: StateCheck): void {
  const credentials = check.state['Credentials'];
  if (credentials === undefined) return;
  const location = at(check.location, 'Credentials');
  if (!isObject(credentials)) return check.walk.d.schema("The value for the field 'Credentials' must be an OBJECT", check.location);
  const hasRole = 'RoleArn' in credentials || (check.language === 'JSONPath' && 'RoleArn.$' in credentials);
  if (!hasRole) return check.walk.d.schema("The field 'RoleArn' is required but was missing", location);
  checkTemplateFor(check.language, credentials, location, check.walk.d);
}
