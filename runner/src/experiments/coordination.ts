import type {FingerprintCoordinator, Slots} from '../execution/executor.js';

/** First caller per fingerprint runs; later callers wait for it, then re-check the run-cache. */
export function fingerprintCoordinator(): FingerprintCoordinator {
  const inFlight = new Map<string, Promise<void>>();
  return {
    async acquire(fingerprint) {
      const running = inFlight.get(fingerprint);
      if (running) {
        await running;
        return undefined;
      }
      let done!: () => void;
      inFlight.set(fingerprint, new Promise<void>((resolve) => (done = resolve)));
      return () => {
        inFlight.delete(fingerprint);
        done();
      };
    },
  };
}

/** A counting semaphore: at most `size` holders at once, served in arrival order. */
export function slots(size: number): Slots {
  let free = size;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    held: () => size - free,
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => waiting.push(() => resolve(release)));
    },
  };
}
