import type {StageOutcome} from '../events/event.js';
import {describeReason, formatMs} from './describe-reason.js';
import type {Reporter} from './reporter.js';

const MARK: Record<StageOutcome, string> = {
  fresh: '=',
  cached: '↺',
  run: '✓',
  failed: '✗',
  skipped: '-',
};

/** Plain lines, for CI logs and pipes: one line per stage, and each output line prefixed. */
export function plainReporter(
  write: (text: string) => void,
  options: {showOutput: boolean},
): Reporter {
  return {
    onEvent(event) {
      switch (event.type) {
        case 'stage-start':
          write(`▶ ${event.stage}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}\n`);
          break;
        case 'output':
          if (options.showOutput) write(`  [${event.stage}] ${event.line}\n`);
          break;
        case 'stage': {
          const why = event.reasons.map(describeReason).join('; ');
          const time =
            event.outcome === 'run' || event.outcome === 'cached' || event.outcome === 'failed'
              ? ` ${formatMs(event.ms)}`
              : '';
          write(
            `${MARK[event.outcome]} ${event.stage}: ${event.outcome}${time}${why ? ` (${why})` : ''}\n`,
          );
          break;
        }
        case 'run-end': {
          const c = event.counts;
          write(
            `${event.ok ? 'done' : 'FAILED'} in ${formatMs(event.ms)}: ${c.run} ran, ${c.cached} restored from cache, ${c.fresh} up to date, ${c.failed} failed, ${c.skipped} skipped\n`,
          );
          break;
        }
        case 'run-start':
        case 'progress':
          break;
      }
    },
    close: () => undefined,
  };
}
