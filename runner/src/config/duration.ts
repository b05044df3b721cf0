const UNITS: Readonly<Record<string, number>> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/**
 * Milliseconds of a stage timeout: `30s`, `10m`, `1h`, `500ms`, or a plain number of seconds.
 * Undefined for anything else, including zero and negative values.
 */
export function parseDuration(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string') {
    const match = DURATION.exec(value);
    if (match) ms = Number(match[1]) * UNITS[match[2]!]!;
    else if (/^\s*\d+(?:\.\d+)?\s*$/.test(value)) ms = Number(value) * 1000;
  }
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
