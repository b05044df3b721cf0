import {join} from 'node:path';
import type {OutSpec, PipelinePlan, StagePlan} from '../../runner/src/analysis/plan.js';

/** A stage of the flagship shape, with only what the report and export read filled in. */
export interface StageSketch {
  readonly name: string;
  readonly deps?: readonly string[];
  readonly outs?: readonly (string | (Partial<OutSpec> & {path: string}))[];
  readonly metrics?: readonly (string | (Partial<OutSpec> & {path: string}))[];
  readonly plots?: readonly (string | (Partial<OutSpec> & {path: string}))[];
  readonly params?: readonly {file?: string; key: string; value: unknown}[];
  readonly cmd?: readonly string[];
  readonly desc?: string;
  readonly wdir?: string;
  readonly frozen?: boolean;
  readonly alwaysChanged?: boolean;
}

/** Builds a real PipelinePlan value from sketches: upstream edges and order come from paths. */
export function planOf(root: string, sketches: readonly StageSketch[]): PipelinePlan {
  const producer = new Map<string, string>();
  for (const sketch of sketches) {
    for (const out of [
      ...(sketch.outs ?? []),
      ...(sketch.metrics ?? []),
      ...(sketch.plots ?? []),
    ]) {
      producer.set(typeof out === 'string' ? out : out.path, sketch.name);
    }
  }
  const stages = new Map<string, StagePlan>();
  for (const sketch of sketches) {
    const out =
      (kind: OutSpec['kind']) => (entry: string | (Partial<OutSpec> & {path: string})) => {
        const spec = typeof entry === 'string' ? {path: entry} : entry;
        return {cache: true, persist: false, location: undefined, ...spec, kind};
      };
    const deps = sketch.deps ?? [];
    stages.set(sketch.name, {
      name: sketch.name,
      desc: sketch.desc,
      command: sketch.cmd
        ? {type: 'cmd', cmd: sketch.cmd}
        : {
            type: 'plugin',
            plugin: {
              name: sketch.name.split('@')[0] ?? sketch.name,
              version: '0.1.0',
              modulePath: join(root, 'plugins', sketch.name),
              codeHash: '0'.repeat(64),
              source: 'builtin',
            },
            with: {},
          },
      wdir: sketch.wdir ?? '',
      deps: deps.map((path) => ({path, location: undefined})),
      outs: [
        ...(sketch.outs ?? []).map(out('out')),
        ...(sketch.metrics ?? []).map(out('metric')),
        ...(sketch.plots ?? []).map(out('plot')),
      ],
      params: (sketch.params ?? []).map((param) => ({file: 'params.yaml', ...param})),
      frozen: sketch.frozen ?? false,
      alwaysChanged: sketch.alwaysChanged ?? false,
      retries: 0,
      timeoutMs: undefined,
      upstream: [...new Set(deps.flatMap((dep) => producer.get(dep) ?? []))].sort(),
      location: undefined,
    });
  }
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < stages.size) {
    const ready = [...stages.values()]
      .filter((stage) => !placed.has(stage.name) && stage.upstream.every((up) => placed.has(up)))
      .map((stage) => stage.name)
      .sort();
    if (ready.length === 0) throw new Error('cycle in test plan');
    for (const name of ready) {
      order.push(name);
      placed.add(name);
    }
  }
  return {
    root,
    file: join(root, 'pipeline.yaml'),
    stages,
    order,
    remotes: new Map(),
    defaultRemote: undefined,
  };
}

/** The flagship pipeline of DESIGN section 7, with the evaluate outputs the report reads. */
export function flagshipPlan(root: string, k: number): PipelinePlan {
  return planOf(root, [
    {
      name: 'download',
      outs: ['data/raw/transactions.parquet'],
      params: [{key: 'data.url', value: 'sample:'}],
    },
    {
      name: 'clean',
      deps: ['data/raw/transactions.parquet'],
      outs: ['data/interim/clean.parquet'],
      metrics: [{path: 'metrics/cleaning.json', cache: false}],
    },
    {name: 'rfm', deps: ['data/interim/clean.parquet'], outs: ['data/features/customers.parquet']},
    {
      name: 'seasonality',
      deps: ['data/interim/clean.parquet'],
      outs: ['data/features/seasonality.parquet'],
    },
    {
      name: 'train',
      deps: [
        'data/features/customers.parquet',
        'data/features/seasonality.parquet',
        'data/interim/clean.parquet',
      ],
      params: [{key: 'train', value: {k, seed: 0}}],
      outs: ['models/model.json', 'data/processed/segments.parquet'],
    },
    {
      name: 'evaluate',
      deps: ['models/model.json', 'data/processed/segments.parquet'],
      metrics: ['reports/metrics.json'],
      plots: ['reports/plots'],
    },
    {
      name: 'deploy',
      deps: ['models/model.json', 'reports/metrics.json'],
      outs: ['reports/deploy.json'],
      alwaysChanged: true,
    },
  ]);
}
