import type {PipelinePlan} from '../analysis/plan.js';

/**
 * The most plugin stages on one level of the graph (stages whose longest upstream path has the
 * same length), a cheap stand-in for how many can run at once.
 */
export function pluginWidth(plan: PipelinePlan, selected: ReadonlySet<string>): number {
  const level = new Map<string, number>();
  const perLevel = new Map<number, number>();
  for (const name of plan.order) {
    const stage = plan.stages.get(name);
    if (!stage) continue;
    let depth = 0;
    for (const up of stage.upstream) depth = Math.max(depth, (level.get(up) ?? -1) + 1);
    level.set(name, depth);
    if (selected.has(name) && stage.command.type === 'plugin')
      perLevel.set(depth, (perLevel.get(depth) ?? 0) + 1);
  }
  return Math.max(1, ...perLevel.values());
}

/** The distinct plugin modules of the selected stages, in plan order. */
export function pluginModules(plan: PipelinePlan, selected: ReadonlySet<string>): string[] {
  const modules = new Set<string>();
  for (const name of plan.order) {
    const command = plan.stages.get(name)?.command;
    if (selected.has(name) && command?.type === 'plugin') modules.add(command.plugin.modulePath);
  }
  return [...modules];
}
