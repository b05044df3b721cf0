import type {ExperimentTable} from './experiment-table.js';

/** A Vega-Lite spec (data inline). */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Parallel coordinates: one vertical axis per changed param and per metric, one line per
 * experiment. Values are normalised per axis here (not in Vega transforms) because our keys
 * contain dots, which Vega-Lite would read as nested fields.
 */
export function parallelCoordinates(table: ExperimentTable, axes: readonly string[]): VegaLiteSpec {
  const values: {experiment: string; axis: string; value: number; norm: number}[] = [];
  const ranges: {axis: string; min: number; max: number}[] = [];
  for (const axis of axes) {
    const numbers = table.rows
      .map((r) => valueOf(r, axis))
      .filter((v): v is number => v !== undefined);
    if (numbers.length === 0) continue;
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    ranges.push({axis, min, max});
    for (const r of table.rows) {
      const v = valueOf(r, axis);
      if (v === undefined) continue;
      values.push({
        experiment: r.name,
        axis,
        value: v,
        norm: max === min ? 0.5 : (v - min) / (max - min),
      });
    }
  }
  const order = ranges.map((r) => r.axis);
  const x = {
    field: 'axis',
    type: 'nominal',
    sort: order,
    title: null,
    axis: {labelAngle: 0, orient: 'bottom', domain: false},
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Experiments: params and metrics',
    width: Math.max(320, 110 * order.length),
    height: 320,
    layer: [
      {
        data: {values: ranges.map((r) => ({axis: r.axis}))},
        mark: {type: 'rule', color: '#bbb'},
        encoding: {
          x,
          y: {datum: 0, type: 'quantitative', scale: {domain: [0, 1]}, axis: null},
          y2: {datum: 1},
        },
      },
      {
        data: {values},
        mark: {type: 'line', point: true, strokeWidth: 2},
        encoding: {
          x,
          y: {field: 'norm', type: 'quantitative', axis: null, scale: {domain: [0, 1]}},
          color: {field: 'experiment', type: 'nominal', title: 'experiment'},
          detail: {field: 'experiment'},
        },
      },
      {
        data: {
          values: ranges.flatMap((r) => [
            {axis: r.axis, norm: 1, label: fmt(r.max)},
            {axis: r.axis, norm: 0, label: fmt(r.min)},
          ]),
        },
        mark: {type: 'text', dx: 4, align: 'left', fontSize: 11, color: '#444'},
        encoding: {
          x,
          y: {field: 'norm', type: 'quantitative', axis: null, scale: {domain: [0, 1]}},
          text: {field: 'label'},
        },
      },
    ],
  };
}

/** One metric against one param: a point per experiment, joined in param order. */
export function metricVersusParam(
  table: ExperimentTable,
  metric: string,
  param: string,
): VegaLiteSpec {
  const values = table.rows
    .map((r) => ({experiment: r.name, x: valueOf(r, param), y: valueOf(r, metric)}))
    .filter((p) => p.x !== undefined && p.y !== undefined)
    .sort((a, b) => (a.x ?? 0) - (b.x ?? 0));
  const integers = values.every((p) => Number.isInteger(p.x));
  const enc = {
    x: {
      field: 'x',
      type: 'quantitative',
      title: param,
      scale: {zero: false, padding: 24},
      axis: integers ? {tickMinStep: 1, format: 'd'} : {},
    },
    y: {field: 'y', type: 'quantitative', title: metric, scale: {zero: false, padding: 24}},
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${metric} by ${param}`,
    width: 420,
    height: 300,
    data: {values},
    layer: [
      {mark: {type: 'line', color: '#4c78a8'}, encoding: enc},
      {mark: {type: 'point', filled: true, size: 70, color: '#4c78a8'}, encoding: enc},
      {
        mark: {type: 'text', dy: -10, fontSize: 10},
        encoding: {...enc, text: {field: 'experiment'}},
      },
    ],
  };
}

function valueOf(row: ExperimentTable['rows'][number], key: string): number | undefined {
  const v = row.metrics[key] ?? row.params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}
