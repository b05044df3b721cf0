import type {Logger} from 'pino';
import {UsageError} from './output.js';

export type RunnerLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];
const silent: RunnerLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as RunnerLog;

/**
 * The runner's own diagnostics (why a stage was judged fresh, fingerprints, timings) as pino
 * JSON lines on stderr. pino is loaded only when a level below the default is asked for, so
 * ordinary runs do not pay for it.
 */
export async function runnerLog(level: string | undefined, command: string): Promise<RunnerLog> {
  if (level === undefined || level === 'warn' || level === 'error' || level === 'silent')
    return silent;
  if (!LEVELS.includes(level)) {
    throw new UsageError(
      `runner ${command}: --log-level takes debug, info, warn, error or silent, not "${level}".`,
    );
  }
  const {pino} = await import('pino');
  const logger = pino({level, base: {name: 'runner'}}, pino.destination(2));
  return {
    debug: (data, message) => logger.debug(data, message),
    info: (data, message) => logger.info(data, message),
  };
}
