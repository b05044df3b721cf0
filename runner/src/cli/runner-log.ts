import {UsageError} from './output.js';

type Write = (data: object, message: string) => void;

/** The runner's own diagnostics; the executor logs its decisions through this. */
export interface RunnerLog {
  readonly debug: Write;
  readonly info: Write;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];
const silent: RunnerLog = {debug: () => undefined, info: () => undefined};

/**
 * The runner's own diagnostics (why a stage was judged fresh, fingerprints, timings) as pino
 * JSON lines on stderr. pino is loaded only when a level below the default is asked for, so
 * ordinary runs do not pay for it.
 */
export async function runnerLog(level: string | undefined, command: string): Promise<RunnerLog> {
  if (level !== undefined && !LEVELS.includes(level)) {
    throw new UsageError(
      `runner ${command}: --log-level takes debug, info, warn, error or silent, not "${level}".`,
    );
  }
  if (level !== 'debug' && level !== 'info') return silent;
  const {pino} = await import('pino');
  const logger = pino({level, base: {name: 'runner'}}, pino.destination(2));
  return {
    debug: (data, message) => logger.debug(data, message),
    info: (data, message) => logger.info(data, message),
  };
}
