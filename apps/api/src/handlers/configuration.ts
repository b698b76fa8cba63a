import { InvalidLoggingConfiguration, ValidationException } from '@redstep/core';

type Body = Record<string, unknown>;

interface LoggingConfiguration {
  level?: string;
  destinations?: unknown[];
}

/** A logging level other than OFF needs exactly one destination (a CloudWatch Logs group). */
export function checkLoggingConfiguration(body: Body): void {
  const logging = body.loggingConfiguration as LoggingConfiguration | undefined;
  if (!logging) return;
  const level = logging.level ?? 'OFF';
  const destinations = logging.destinations?.length ?? 0;
  if ((level !== 'OFF' && destinations !== 1) || destinations > 1) {
    throw new InvalidLoggingConfiguration('Invalid Logging Configuration: Must specify exactly one Log Destination.');
  }
}

/** A version description describes the version `publish` creates; alone it is refused. */
export function checkVersionDescription(body: Body): void {
  if (body.versionDescription !== undefined && body.publish !== true) {
    throw new ValidationException('Version description can only be set when publish is true');
  }
}
