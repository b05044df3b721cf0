import type {Span} from '../config/located.js';
import type {Diagnostic, SourceLocation, SupplementalLocation} from './diagnostic.js';
import type {Reason} from './reasons.js';

/** A place in a file, built from a span of a located node. */
export function locate(file: string, span: Span): SourceLocation {
  return {file, offset: span.offset, length: span.length};
}

/**
 * Gathers every diagnostic of one analysis, so a run reports all problems at once. Identical
 * diagnostics (e.g. one `do:` body error repeated for each foreach item) are kept once.
 */
export class DiagnosticCollector {
  readonly #items: Diagnostic[] = [];
  readonly #seen = new Set<string>();

  error(
    reason: Reason,
    message: string,
    location?: SourceLocation,
    supplemental?: readonly SupplementalLocation[],
  ): void {
    this.add({
      reason,
      severity: 'error',
      message,
      ...(location ? {location} : {}),
      ...(supplemental && supplemental.length > 0 ? {supplemental} : {}),
    });
  }

  add(diagnostic: Diagnostic): void {
    const l = diagnostic.location;
    const key = `${diagnostic.reason}\0${l?.file}\0${l?.offset}\0${diagnostic.message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#items.push(diagnostic);
  }

  get hasErrors(): boolean {
    return this.#items.some((d) => d.severity === 'error');
  }

  /** Sorted by file and position (unlocated ones first), for stable output. */
  sorted(): readonly Diagnostic[] {
    return [...this.#items].sort((a, b) => {
      const fa = a.location?.file ?? '';
      const fb = b.location?.file ?? '';
      if (fa !== fb) return fa < fb ? -1 : 1;
      const oa = a.location?.offset ?? -1;
      const ob = b.location?.offset ?? -1;
      if (oa !== ob) return oa - ob;
      if (a.reason !== b.reason) return a.reason < b.reason ? -1 : 1;
      return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
    });
  }
}
