import type {PipelinePlan} from '../analysis/plan.js';
import {err, ok, type Result} from '../util/result.js';

export interface SelectionOptions {
  /** Stage names as typed; `name` also selects every `name@key` item of a foreach/matrix stage. */
  readonly targets: readonly string[];
  /** Only the targets themselves. */
  readonly singleItem: boolean;
  /** The targets and every stage that depends on them. */
  readonly downstream: boolean;
}

export interface Selection {
  /** Stages to consider, in the plan's topological order. */
  readonly stages: readonly string[];
  /** The stages the user named (all stages when no target was given). */
  readonly targets: ReadonlySet<string>;
}

/**
 * Which stages a `repro`/`status` looks at, following DVC's rules:
 *
 *     a ──> b ──> c ──> d        repro c               -> a, b, c
 *                                repro c --single-item -> c
 *                                repro c --downstream  -> c, d
 *
 * A frozen stage is kept (it reports itself) but cuts the walk upstream of it.
 */
export function selectStages(
  plan: PipelinePlan,
  options: SelectionOptions,
): Result<Selection, {unknown: readonly string[]; known: readonly string[]}> {
  const targets = new Set<string>();
  const unknown: string[] = [];
  for (const target of options.targets) {
    if (plan.stages.has(target)) {
      targets.add(target);
      continue;
    }
    const items = plan.order.filter((name) => name.startsWith(`${target}@`));
    if (items.length === 0) unknown.push(target);
    for (const item of items) targets.add(item);
  }
  if (unknown.length > 0) return err({unknown, known: plan.order});
  if (options.targets.length === 0) {
    for (const name of plan.order) targets.add(name);
  }

  const chosen = new Set<string>(targets);
  if (options.downstream) {
    const dependents = dependentsOf(plan);
    const queue = [...targets];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      for (const next of dependents.get(name) ?? []) {
        if (!chosen.has(next)) {
          chosen.add(next);
          queue.push(next);
        }
      }
    }
  } else if (!options.singleItem) {
    const queue = [...targets];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const stage = plan.stages.get(name);
      if (!stage || stage.frozen) continue;
      for (const up of stage.upstream) {
        if (!chosen.has(up)) {
          chosen.add(up);
          queue.push(up);
        }
      }
    }
  }
  return ok({stages: plan.order.filter((name) => chosen.has(name)), targets});
}

/** Stage name -> the stages that list it as upstream. */
export function dependentsOf(plan: PipelinePlan): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const name of plan.order) {
    for (const up of plan.stages.get(name)?.upstream ?? []) {
      const list = dependents.get(up);
      if (list) list.push(name);
      else dependents.set(up, [name]);
    }
  }
  return dependents;
}

/** The stages upstream of `names` (inclusive), for `--force TARGET`. */
export function upstreamClosure(plan: PipelinePlan, names: Iterable<string>): Set<string> {
  const closure = new Set<string>();
  const queue = [...names];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (closure.has(name)) continue;
    closure.add(name);
    queue.push(...(plan.stages.get(name)?.upstream ?? []));
  }
  return closure;
}
