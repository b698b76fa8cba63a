/** AWS's cause texts for JSONPath failures (the executor prefixes "An error occurred while executing the state ..."). */

/** InputPath, OutputPath, Choice and other "whole path" reads: Jayway's exception text behind AWS's prefix. */
export function invalidPathCause(path: string, reason: string): string {
  return `Invalid path '${path}' : ${reason}`;
}

/** A `key.$` template entry, ErrorPath, CausePath, ItemsPath ... whose path selects nothing. */
export function pathNotFoundCause(path: string, field: string, input: unknown): string {
  return `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`;
}
