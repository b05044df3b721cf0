import type {Reporter} from './reporter.js';

/** `--json`: one event per line on stdout (contract: docs/events.md). */
export function jsonReporter(write: (text: string) => void): Reporter {
  return {
    onEvent: (event) => write(`${JSON.stringify(event)}\n`),
    close: () => undefined,
  };
}
