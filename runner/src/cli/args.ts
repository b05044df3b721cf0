import {parseArgs, type ParseArgsConfig} from 'node:util';
import {UsageError} from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command that reads the pipeline accepts. */
export const PIPELINE_OPTIONS = {
  file: {type: 'string', short: 'f'},
  set: {type: 'string', short: 'S', multiple: true},
  help: {type: 'boolean', short: 'h'},
  'log-level': {type: 'string'},
} as const satisfies Options;

/** node:util parseArgs with usage errors that name the command and point at --help. */
export function parse<T extends Options>(
  command: string,
  argv: readonly string[],
  options: T,
): ReturnType<typeof parseArgs<{options: T; allowPositionals: true; strict: true}>> {
  try {
    return parseArgs({args: [...argv], options, allowPositionals: true, strict: true});
  } catch (error) {
    throw new UsageError(
      `runner ${command}: ${(error as Error).message}\nRun \`runner ${command} --help\` for usage.`,
    );
  }
}

export function intOption(
  command: string,
  name: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `runner ${command}: --${name} takes a whole number of at least 1, not "${value}".`,
    );
  }
  return n;
}
