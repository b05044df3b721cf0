/** A bound on one metric: at least `min`, at most `max`, or both. */
export interface GateBound {
  readonly min?: number;
  readonly max?: number;
}

/** `{silhouette: {min: 0.25}, davies_bouldin: {max: 1.5}}`: metric names of metrics.json (dots for nesting). */
export type Gates = Readonly<Record<string, GateBound>>;

export interface GateCheck {
  readonly metric: string;
  /** The metric's value; `undefined` when metrics.json lacks it or it is not a number. */
  readonly value: number | undefined;
  readonly min?: number;
  readonly max?: number;
  readonly passed: boolean;
  /** One line, e.g. "silhouette 0.21 < min 0.25". */
  readonly message: string;
}

export interface GateReport {
  /** True when every check passed (and vacuously when there are no gates). */
  readonly passed: boolean;
  readonly checks: readonly GateCheck[];
}

function lookup(metrics: unknown, name: string): number | undefined {
  let value: unknown = metrics;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Checks metrics.json content against gates; a missing metric fails its gate. */
export function checkGates(metrics: unknown, gates: Gates): GateReport {
  const checks = Object.keys(gates)
    .sort()
    .map((metric): GateCheck => {
      const bound = gates[metric] ?? {};
      const value = lookup(metrics, metric);
      const bounds = {
        ...(bound.min !== undefined ? {min: bound.min} : {}),
        ...(bound.max !== undefined ? {max: bound.max} : {}),
      };
      if (value === undefined)
        return {
          metric,
          value,
          ...bounds,
          passed: false,
          message: `${metric} is missing from metrics.json`,
        };
      if (bound.min !== undefined && value < bound.min)
        return {
          metric,
          value,
          ...bounds,
          passed: false,
          message: `${metric} ${value} < min ${bound.min}`,
        };
      if (bound.max !== undefined && value > bound.max)
        return {
          metric,
          value,
          ...bounds,
          passed: false,
          message: `${metric} ${value} > max ${bound.max}`,
        };
      return {metric, value, ...bounds, passed: true, message: `${metric} ${value} within bounds`};
    });
  return {passed: checks.every((check) => check.passed), checks};
}

/**
 * Validates a gates value from params (unknown shape); returns the problems, one line each, so
 * bad params get a clear message instead of a gate that silently passes.
 */
export function gatesProblems(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['gates must be a mapping of metric name to {min: x} and/or {max: y}'];
  const problems: string[] = [];
  for (const [metric, bound] of Object.entries(value as Record<string, unknown>)) {
    if (typeof bound !== 'object' || bound === null) {
      problems.push(`gates.${metric} must be {min: x} and/or {max: y}`);
      continue;
    }
    const keys = Object.keys(bound);
    if (keys.length === 0 || keys.some((k) => k !== 'min' && k !== 'max'))
      problems.push(
        `gates.${metric} must have only min and/or max (found ${keys.join(', ') || 'nothing'})`,
      );
    for (const key of ['min', 'max'] as const) {
      const v = (bound as Record<string, unknown>)[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v)))
        problems.push(`gates.${metric}.${key} must be a number`);
    }
  }
  return problems;
}
