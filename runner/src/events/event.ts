/**
 * What the executor reports while it runs (contract: docs/events.md). `--json` prints each event
 * as one line; reporters render them. The executor never writes to the terminal itself.
 */
export type RunnerEvent =
  | RunStartEvent
  | StageStartEvent
  | StageOutputEvent
  | StageProgressEvent
  | StageEndEvent
  | RunEndEvent;

export type StageOutcome = 'fresh' | 'cached' | 'run' | 'failed' | 'skipped';

/** Why a stage was not fresh (or, for skipped/failed, why it did not complete). */
export type Reason =
  | {readonly kind: 'no-lock-entry'}
  | {readonly kind: 'command-changed'}
  | {readonly kind: 'plugin-changed'; readonly detail: string}
  | {
      readonly kind: 'dep-changed';
      readonly path: string;
      readonly change: 'modified' | 'deleted' | 'new';
    }
  | {readonly kind: 'dep-missing'; readonly path: string}
  | {readonly kind: 'param-changed'; readonly key: string; readonly file: string}
  | {readonly kind: 'out-changed'; readonly path: string; readonly change: 'modified' | 'deleted'}
  | {readonly kind: 'outs-changed'}
  | {readonly kind: 'upstream-changed'; readonly stage: string}
  | {readonly kind: 'always-changed'}
  | {readonly kind: 'forced'}
  | {readonly kind: 'frozen'}
  | {readonly kind: 'upstream-failed'; readonly stage: string}
  | {readonly kind: 'run-stopped'}
  | {readonly kind: 'exit-non-zero'; readonly code: number}
  | {readonly kind: 'killed'; readonly signal: string}
  | {readonly kind: 'timeout'; readonly ms: number}
  | {readonly kind: 'plugin-error'; readonly message: string}
  | {readonly kind: 'out-not-produced'; readonly path: string}
  | {readonly kind: 'spawn-error'; readonly message: string}
  | {readonly kind: 'unavailable'; readonly message: string}
  | {readonly kind: 'internal-error'; readonly message: string};

interface Base {
  /** Milliseconds since the epoch. */
  readonly time: number;
}

export interface RunStartEvent extends Base {
  readonly type: 'run-start';
  readonly stages: readonly string[];
  readonly jobs: number;
}

export interface StageStartEvent extends Base {
  readonly type: 'stage-start';
  readonly stage: string;
  readonly attempt: number;
}

export interface StageOutputEvent extends Base {
  readonly type: 'output';
  readonly stage: string;
  readonly stream: 'stdout' | 'stderr' | 'log';
  readonly line: string;
}

export interface StageProgressEvent extends Base {
  readonly type: 'progress';
  readonly stage: string;
  readonly label: string;
  readonly done: number;
  readonly total: number | null;
  readonly unit: 'bytes' | 'rows' | 'items';
}

/** Exactly one per planned stage. */
export interface StageEndEvent extends Base {
  readonly type: 'stage';
  readonly stage: string;
  readonly outcome: StageOutcome;
  readonly reasons: readonly Reason[];
  readonly ms: number;
  readonly attempts?: number;
}

export interface RunEndEvent extends Base {
  readonly type: 'run-end';
  readonly ok: boolean;
  readonly counts: Readonly<Record<StageOutcome, number>>;
  readonly ms: number;
}
