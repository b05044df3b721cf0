import type {StageOutcome} from '../events/event.js';
import {describeReason, formatMs} from './describe-reason.js';
import type {Reporter} from './reporter.js';

const COLOR: Record<StageOutcome, string> = {
  fresh: '\x1b[2m',
  cached: '\x1b[36m',
  run: '\x1b[32m',
  failed: '\x1b[31m',
  skipped: '\x1b[33m',
};
const MARK: Record<StageOutcome, string> = {
  fresh: '=',
  cached: '↺',
  run: '✓',
  failed: '✗',
  skipped: '-',
};
const RESET = '\x1b[0m';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface Running {
  readonly since: number;
  progress?: {label: string; done: number; total: number | null; unit: string};
}

/**
 * The terminal view: finished stages and output scroll above a live block listing the running
 * stages with their timers and progress bars, redrawn in place.
 */
export function liveReporter(stream: NodeJS.WriteStream): Reporter {
  const running = new Map<string, Running>();
  let drawnLines = 0;
  let frame = 0;
  const clear = (): void => {
    if (drawnLines > 0) stream.write(`\x1b[${drawnLines}A\x1b[0J`);
    drawnLines = 0;
  };
  const draw = (): void => {
    const lines: string[] = [];
    const spin = SPINNER[frame++ % SPINNER.length] ?? '*';
    for (const [stage, r] of running) {
      let line = `${spin} ${stage} ${formatMs(Date.now() - r.since)}`;
      if (r.progress) line += `  ${progressText(r.progress)}`;
      lines.push(line.slice(0, Math.max(20, (stream.columns || 80) - 1)));
    }
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
    drawnLines = lines.length;
  };
  const above = (text: string): void => {
    clear();
    stream.write(text);
    draw();
  };
  const timer = setInterval(() => {
    if (running.size === 0) return;
    clear();
    draw();
  }, 100);
  timer.unref();

  return {
    onEvent(event) {
      switch (event.type) {
        case 'stage-start':
          running.set(event.stage, {since: Date.now()});
          clear();
          draw();
          break;
        case 'progress': {
          const r = running.get(event.stage);
          if (r) r.progress = event;
          break;
        }
        case 'output':
          above(`\x1b[2m[${event.stage}]\x1b[0m ${event.line}\n`);
          break;
        case 'stage': {
          running.delete(event.stage);
          const why = event.reasons.map(describeReason).join('; ');
          const time =
            event.outcome === 'fresh' || event.outcome === 'skipped'
              ? ''
              : ` ${formatMs(event.ms)}`;
          above(
            `${COLOR[event.outcome]}${MARK[event.outcome]} ${event.stage}${RESET} ${event.outcome}${time}${why ? `\x1b[2m (${why})${RESET}` : ''}\n`,
          );
          break;
        }
        case 'run-end': {
          const c = event.counts;
          above(
            `${event.ok ? '\x1b[32mdone' : '\x1b[31mFAILED'}${RESET} in ${formatMs(event.ms)}: ${c.run} ran, ${c.cached} restored from cache, ${c.fresh} up to date, ${c.failed} failed, ${c.skipped} skipped\n`,
          );
          break;
        }
        case 'run-start':
          break;
      }
    },
    close() {
      clearInterval(timer);
      clear();
    },
  };
}

function progressText(p: {
  label: string;
  done: number;
  total: number | null;
  unit: string;
}): string {
  const amount = (n: number): string =>
    p.unit === 'bytes' ? `${(n / 1048576).toFixed(1)} MB` : n.toLocaleString('en-US');
  if (p.total === null || p.total <= 0) return `${p.label} ${amount(p.done)}`;
  const width = 20;
  const filled = Math.round((Math.min(p.done, p.total) / p.total) * width);
  return `${p.label} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${amount(p.done)}/${amount(p.total)}`;
}
