import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {RunEndEvent, StageEndEvent} from '../events/event.js';
import {describeReason} from '../reporters/describe-reason.js';
import {ReportFailure} from './failure.js';
import {renderTable} from './format.js';

/** Where the executor keeps the last run's events (one JSON object per line). */
export const LAST_RUN_FILE = '.runner/runs/last.ndjson';

/** The per-stage outcomes of the last run, in the order they ended, and its summary. */
export interface LastRun {
  readonly stages: readonly StageEndEvent[];
  readonly end: RunEndEvent | undefined;
}

/** Reads `.runner/runs/last.ndjson`; undefined when no run was recorded yet. */
export async function readLastRun(root: string): Promise<LastRun | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, LAST_RUN_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const stages: StageEndEvent[] = [];
  let end: RunEndEvent | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      throw new ReportFailure(
        'invalid-events-file',
        `${LAST_RUN_FILE}:${index + 1} is not a JSON object; delete the file and run \`runner repro\` again`,
      );
    }
    if (typeof event !== 'object' || event === null) continue;
    const typed = event as {type?: unknown};
    if (typed.type === 'stage') stages.push(event as StageEndEvent);
    if (typed.type === 'run-end') end = event as RunEndEvent;
  }
  return {stages, end};
}

/** Words a reviewer reads: the executor's `run` outcome is shown as `ran`. */
const OUTCOME_WORD: Record<StageEndEvent['outcome'], string> = {
  run: 'ran',
  cached: 'cached',
  fresh: 'fresh',
  failed: 'failed',
  skipped: 'skipped',
};

/** `850 ms`, `2.4 s`, `3 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * The stage table of the report, in plan order when given (stages the run did not report
 * last), and a one-line summary such as `3 ran, 1 cached, 3 fresh in 3.4 s`.
 */
export function renderStageOutcomes(run: LastRun, order: readonly string[] = []): string {
  const rank = new Map(order.map((name, index) => [name, index]));
  const stages = [...run.stages].sort(
    (a, b) =>
      (rank.get(a.stage) ?? Number.MAX_SAFE_INTEGER) -
        (rank.get(b.stage) ?? Number.MAX_SAFE_INTEGER) || a.stage.localeCompare(b.stage),
  );
  const rows = stages.map((stage) => [
    stage.stage,
    OUTCOME_WORD[stage.outcome],
    formatDuration(stage.ms),
    reasonsText(stage),
  ]);
  const table = renderTable(['Stage', 'Outcome', 'Time', 'Why'], rows, 'md', [
    'left',
    'left',
    'right',
    'left',
  ]);
  return `${summary(run)}\n\n${table}`;
}

/** Up to three reasons; a stage with many changed deps would otherwise fill the row. */
function reasonsText(stage: StageEndEvent): string {
  const shown = stage.reasons.slice(0, 3).map(describeReason);
  const more = stage.reasons.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; +${more} more` : '');
}

function summary(run: LastRun): string {
  const counts = new Map<string, number>();
  for (const stage of run.stages) {
    const word = OUTCOME_WORD[stage.outcome];
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const parts = ['ran', 'cached', 'fresh', 'failed', 'skipped']
    .filter((word) => counts.has(word))
    .map((word) => `${counts.get(word)} ${word}`);
  const total = run.end ? ` in ${formatDuration(run.end.ms)}` : '';
  const status = run.end && !run.end.ok ? ' — **the run failed**' : '';
  return `${parts.join(', ') || 'no stages'}${total}${status}.`;
}
