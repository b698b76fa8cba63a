/** Reading the ARNs of a Distributed Map's run and children (no DOM: unit tested in node). */

/** The label in a map run ARN (`...:mapRun:<machine>/<label>:<id>`), for headings. */
export function mapRunLabel(mapRunArn: string): string {
  const rest = mapRunArn.split(':').slice(6).join(':');
  const slash = rest.indexOf('/');
  const label = slash < 0 ? rest : rest.slice(slash + 1);
  const colon = label.lastIndexOf(':');
  return (colon < 0 ? label : label.slice(0, colon)) || mapRunArn;
}

/** The state machine an execution ARN (`...:execution:<machine>:<name>`) belongs to. */
export function machineOfExecution(executionArn: string): string {
  const parts = executionArn.split(':');
  return `${parts.slice(0, 5).join(':')}:stateMachine:${parts[6] ?? ''}`;
}
