/** Whether a larger value of a metric is an improvement, a regression, or neither. */
export type MetricDirection = 'higher' | 'lower' | 'neutral';

/**
 * Directions by dotted key (`clustering.inertia`) or by last segment (`inertia`); the full key
 * wins. Overrides the built-in guesses below.
 */
export type DirectionOverrides = Readonly<Record<string, MetricDirection>>;

/** Metrics where smaller is better (distances, errors, losses). */
const LOWER_IS_BETTER = new Set([
  'davies_bouldin',
  'inertia',
  'loss',
  'error',
  'rmse',
  'mse',
  'mae',
  'mape',
  'log_loss',
  'logloss',
  'brier',
  'psi',
  'latency',
  'duration',
  'ms',
]);

/**
 * Counts, sizes and shares describe the result rather than grade it (the flagship's
 * metrics.json: sizes, shares, outliers, components, explained variance set by pcaVariance).
 */
const NEUTRAL = new Set([
  'n_clusters',
  'k',
  'sizes',
  'shares',
  'outliers',
  'components',
  'explained_variance',
  'explained_variance_ratio',
  'explained_variance_total',
  'best_k',
  'customers',
  'rows',
  'count',
  'n',
  'seed',
]);

/** The direction of `key`: configured, else known lower-is-better or neutral, else higher. */
export function directionOf(key: string, overrides: DirectionOverrides = {}): MetricDirection {
  const segments = key.split('.');
  const named = segments.filter((segment) => !/^\d+$/.test(segment));
  const last = (named.at(-1) ?? key).toLowerCase();
  const configured = overrides[key] ?? overrides[last];
  if (configured) return configured;
  if (LOWER_IS_BETTER.has(last) || /_(loss|error|ms|seconds)$/.test(last)) return 'lower';
  if (
    named.some((segment) => {
      const lower = segment.toLowerCase();
      return NEUTRAL.has(lower) || /^(n|num|rows)_|_(count|rows|size|k)$/.test(lower);
    })
  ) {
    return 'neutral';
  }
  return 'higher';
}
