import {mkdtempSync, rmSync} from 'node:fs';
import {mkdir} from 'node:fs/promises';
import path from 'node:path';
import type {PluginDefinition} from '../../runner/src/plugin-api/index.js';
import {createStageContext} from '../../runner/src/execution/stage-context.js';
import {testTmp} from '../support/temp-dirs.js';

/** Runs a plugin the way a worker does (a real ctx with DuckDB), outside the runner. */
export async function runPlugin<P>(
  plugin: PluginDefinition<P>,
  options: {
    params: P;
    root: string;
    deps: readonly string[];
    outs?: readonly string[];
    metrics?: readonly string[];
    plots?: readonly string[];
    threads?: number;
  },
): Promise<void> {
  const all = [...(options.outs ?? []), ...(options.metrics ?? []), ...(options.plots ?? [])];
  for (const p of all) await mkdir(path.dirname(p), {recursive: true});
  const scratch = mkdtempSync(path.join(testTmp(), `${plugin.name}-`));
  const ctx = createStageContext({
    stage: plugin.name,
    params: options.params,
    root: options.root,
    deps: options.deps,
    outs: options.outs ?? [],
    metrics: options.metrics ?? [],
    plots: options.plots ?? [],
    tmpdir: scratch,
    threads: options.threads ?? 1,
    signal: new AbortController().signal,
  });
  try {
    await plugin.run(ctx);
  } finally {
    await ctx.close();
    rmSync(scratch, {recursive: true, force: true});
  }
}
