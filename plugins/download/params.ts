/** `with:` of a download stage (after schema defaults). */
export interface DownloadParams {
  /** `http(s)://...`, a file path relative to the project root (or `file://`), or `sample:`. */
  readonly url: string;
  /** Hex SHA-256 of the downloaded/read bytes; the stage fails when it differs. */
  readonly sha256?: string;
  /** Rows of the built-in generator; `sample:?rows=N` overrides it. */
  readonly sampleRows: number;
  /** Seed of the built-in generator; `sample:?seed=S` overrides it. */
  readonly seed: number;
  /** HTTP attempts after the first one, for 5xx, resets, timeouts and truncated bodies. */
  readonly retries: number;
  /** Wait before the first retry; doubles each time. */
  readonly retryDelayMs: number;
  /** An attempt fails when no byte arrives for this long. */
  readonly timeoutMs: number;
}

export const DEFAULT_SAMPLE_ROWS = 40_000;
export const DEFAULT_SEED = 42;

/** The generator's settings, from `sample:?rows=N&seed=S` over the separate params. */
export function sampleSettings(params: DownloadParams): {rows: number; seed: number} {
  const query = params.url.slice('sample:'.length).replace(/^\?/, '');
  const search = new URLSearchParams(query);
  for (const key of search.keys()) {
    if (key !== 'rows' && key !== 'seed') {
      throw new Error(
        `download: unknown option "${key}" in url ${JSON.stringify(params.url)}; use sample:?rows=N&seed=S.`,
      );
    }
  }
  return {
    rows: integerOption(search.get('rows'), params.sampleRows, 'rows', params.url),
    seed: integerOption(search.get('seed'), params.seed, 'seed', params.url),
  };
}

function integerOption(raw: string | null, fallback: number, key: string, url: string): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new Error(
      `download: ${key}=${raw} in url ${JSON.stringify(url)} must be a whole number (e.g. sample:?rows=40000&seed=42).`,
    );
  }
  return Number(raw);
}
