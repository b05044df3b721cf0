import type {Reason} from '../events/event.js';
import {unreachable} from '../util/unreachable.js';

/** One short phrase per reason, for plain and live output. */
export function describeReason(reason: Reason): string {
  switch (reason.kind) {
    case 'no-lock-entry':
      return 'never ran';
    case 'command-changed':
      return 'command changed';
    case 'plugin-changed':
      return `plugin changed (${reason.detail})`;
    case 'dep-changed':
      return `dep ${reason.path} ${reason.change}`;
    case 'dep-missing':
      return `dep ${reason.path} missing`;
    case 'param-changed':
      return `param ${reason.key} changed`;
    case 'out-changed':
      return `out ${reason.path} ${reason.change}`;
    case 'outs-changed':
      return 'declared outs changed';
    case 'upstream-changed':
      return `upstream ${reason.stage} changes`;
    case 'always-changed':
      return 'always changed';
    case 'forced':
      return 'forced';
    case 'frozen':
      return 'frozen';
    case 'upstream-failed':
      return `upstream ${reason.stage} did not complete`;
    case 'run-stopped':
      return 'run stopped';
    case 'exit-non-zero':
      return `exited with code ${reason.code}`;
    case 'killed':
      return `killed by ${reason.signal}`;
    case 'timeout':
      return `timed out after ${formatMs(reason.ms)}`;
    case 'plugin-error':
      return reason.message;
    case 'out-not-produced':
      return `did not produce ${reason.path}`;
    case 'spawn-error':
      return reason.message;
    case 'unavailable':
      return reason.message;
    case 'internal-error':
      return `internal error: ${reason.message}`;
    default:
      return unreachable(reason);
  }
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}
