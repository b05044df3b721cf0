import type {RunnerEvent} from '../events/event.js';

/** Turns events into output. Reporters are the only place that writes run output. */
export interface Reporter {
  onEvent(event: RunnerEvent): void;
  /** Called once after the last event; flushes and restores the terminal. */
  close(): void;
}

/** Sends every event to several reporters. */
export function fanOut(reporters: readonly Reporter[]): Reporter {
  return {
    onEvent: (event) => {
      for (const r of reporters) r.onEvent(event);
    },
    close: () => {
      for (const r of reporters) r.close();
    },
  };
}
