import type {TransferProgress} from '../remote/transfer.js';

/**
 * A transfer progress bar in bytes on stderr, redrawn in place in a terminal (throttled), and
 * silent elsewhere so CI logs keep only the summary line.
 */
export function transferProgress(label: string): {
  update: (p: TransferProgress) => void;
  done: () => void;
} {
  const stream = process.stderr;
  if (!stream.isTTY) return {update: () => undefined, done: () => undefined};
  let last = 0;
  let drawn = false;
  const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.objectsDone !== p.objectsTotal) return;
      last = now;
      const width = 24;
      const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
      const filled = Math.round(fraction * width);
      stream.write(
        `\r${label} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${mb(p.bytesDone)}/${mb(p.bytesTotal)}  ${p.objectsDone}/${p.objectsTotal} objects\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
