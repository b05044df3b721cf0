import {err, type Result} from '../util/result.js';

/** Stable reason codes for expected failures of the report commands (docs/errors.md). */
export type ReportReason =
  | 'unknown-revision'
  | 'not-a-git-repo'
  | 'file-unreadable'
  | 'invalid-metrics-file'
  | 'invalid-params-file'
  | 'invalid-plot-spec'
  | 'plot-render-failed'
  | 'invalid-events-file'
  | 'write-failed';

/** An expected failure: bad input, a missing revision, an unreadable file. */
export interface ReportProblem {
  readonly reason: ReportReason;
  /** What went wrong, where, and how to fix it. */
  readonly message: string;
}

/**
 * Thrown inside the report modules and turned into a `Result` by the public entry points, so deep
 * helpers need not thread results through every call while callers still get values.
 */
export class ReportFailure extends Error {
  constructor(
    readonly reason: ReportReason,
    message: string,
  ) {
    super(message);
    this.name = 'ReportFailure';
  }

  get problem(): ReportProblem {
    return {reason: this.reason, message: this.message};
  }
}

/** Runs `body`, turning a `ReportFailure` into an error value; other exceptions are bugs and propagate. */
export async function captureFailure<T>(body: () => Promise<T>): Promise<Result<T, ReportProblem>> {
  try {
    return {ok: true, value: await body()};
  } catch (error) {
    if (error instanceof ReportFailure) return err(error.problem);
    throw error;
  }
}
