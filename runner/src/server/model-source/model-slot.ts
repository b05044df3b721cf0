import type {LoadedModel, ModelSource} from './loaded-model.js';

/** What one reload attempt did. */
export type ReloadOutcome =
  | {readonly outcome: 'swapped'; readonly previous: LoadedModel; readonly current: LoadedModel}
  | {readonly outcome: 'unchanged'; readonly current: LoadedModel}
  | {readonly outcome: 'refused'; readonly error: ReloadFailure};

/** A new model that could not be loaded; the old one kept serving. */
export interface ReloadFailure {
  readonly at: string;
  readonly source: string;
  readonly message: string;
}

/**
 * The model being served, swapped atomically on reload. A request reads `current` once and uses
 * that object to the end, so requests in flight finish on the model they started with.
 */
export class ModelSlot {
  #current: LoadedModel;
  #lastFailure: ReloadFailure | undefined;
  #running: Promise<ReloadOutcome> | undefined;
  #queued: Promise<ReloadOutcome> | undefined;
  readonly #listeners: ((outcome: ReloadOutcome) => void)[] = [];

  constructor(
    readonly source: ModelSource,
    initial: LoadedModel,
  ) {
    this.#current = initial;
  }

  get current(): LoadedModel {
    return this.#current;
  }

  /** The last refused reload, cleared when a later one succeeds. */
  get lastFailure(): ReloadFailure | undefined {
    return this.#lastFailure;
  }

  /** Called after every reload attempt (metrics, logs, the drift window). */
  onReload(listener: (outcome: ReloadOutcome) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Loads the source again and swaps when it validates and differs. Calls during a reload are
   * coalesced into one more reload after it, so a burst of file events loads the model twice at most.
   */
  reload(): Promise<ReloadOutcome> {
    if (!this.#running) {
      this.#running = this.#reloadOnce().finally(() => (this.#running = undefined));
      return this.#running;
    }
    this.#queued ??= this.#running.then(() => {
      this.#queued = undefined;
      return this.reload();
    });
    return this.#queued;
  }

  async #reloadOnce(): Promise<ReloadOutcome> {
    let outcome: ReloadOutcome;
    try {
      const next = await this.source.load();
      const previous = this.#current;
      this.#lastFailure = undefined;
      if (next.version === previous.version && sameRecommendations(next, previous)) {
        outcome = {outcome: 'unchanged', current: previous};
      } else {
        this.#current = next;
        outcome = {outcome: 'swapped', previous, current: next};
      }
    } catch (e) {
      this.#lastFailure = {
        at: new Date().toISOString(),
        source: this.source.description,
        message: e instanceof Error ? e.message : String(e),
      };
      outcome = {outcome: 'refused', error: this.#lastFailure};
    }
    for (const listener of this.#listeners) listener(outcome);
    return outcome;
  }
}

function sameRecommendations(a: LoadedModel, b: LoadedModel): boolean {
  return a.recommendations?.md5 === b.recommendations?.md5;
}
