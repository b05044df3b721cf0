import path from 'node:path';
import {AnalysisInputs} from './analysis-inputs.js';
import type {DiagnosticCollector} from '../diagnostics/collector.js';
import type {SupplementalLocation} from '../diagnostics/diagnostic.js';
import {closest} from '../diagnostics/suggest.js';
import type {OutSpec, PathSpec} from './plan.js';

/** What the graph needs to know about a stage. */
export interface GraphStage {
  readonly name: string;
  readonly deps: readonly PathSpec[];
  readonly outs: readonly OutSpec[];
  readonly location: PathSpec['location'];
}

/** Upstream names per stage and a topological order (undefined when there is a cycle). */
export interface GraphResult {
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  readonly order: readonly string[] | undefined;
}

interface Producer {
  readonly stage: string;
  readonly out: OutSpec;
}

interface Edge {
  readonly to: string;
  /** The dep that makes the edge, for cycle messages. */
  readonly dep: PathSpec;
}

/** `a/b/c` -> [`a`, `a/b`] */
function ancestors(p: string): string[] {
  const out: string[] = [];
  let index = p.indexOf('/');
  while (index >= 0) {
    out.push(p.slice(0, index));
    index = p.indexOf('/', index + 1);
  }
  return out;
}

/**
 * Connects stages by paths (a stage depends on the producer of a dep, of a folder holding the
 * dep, or of anything inside a dep folder) and checks outs: one producer per path, no out inside
 * another. Lookups go through maps of paths and their parent folders, so the work grows with
 * the number of paths times their depth, never with pairs of stages.
 */
export function buildGraph(
  stages: readonly GraphStage[],
  root: string,
  checkMissingDeps: boolean,
  diagnostics: DiagnosticCollector,
  inputs: AnalysisInputs = new AnalysisInputs(),
): GraphResult {
  const sorted = [...stages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const producers = new Map<string, Producer>();
  // Declaration order, so "first declared here" points at the earlier line of the file.
  for (const stage of stages) {
    for (const out of stage.outs) {
      const existing = producers.get(out.path);
      if (existing) {
        const same = existing.stage === stage.name;
        diagnostics.error(
          'duplicate-out',
          same
            ? `"${out.path}" is listed twice in the outputs of stage "${stage.name}". Remove one of the entries.`
            : `"${out.path}" is produced by both stage "${existing.stage}" and stage "${stage.name}". Each path must have a single producer: remove it from one stage, or write to a different path.`,
          out.location,
          existing.out.location
            ? [
                {
                  message: `first declared here by stage "${existing.stage}"`,
                  location: existing.out.location,
                },
              ]
            : [],
        );
        continue;
      }
      producers.set(out.path, {stage: stage.name, out});
    }
  }
  // Parent folders of every out, so a dep on a folder finds the stages writing inside it.
  const insideFolder = new Map<string, Set<string>>();
  for (const [outPath, producer] of producers) {
    for (const folder of ancestors(outPath)) {
      const outer = producers.get(folder);
      if (outer) {
        diagnostics.error(
          'overlapping-outs',
          `"${outPath}" (stage "${producer.stage}") is inside "${folder}", which stage "${outer.stage}" already outputs. Outputs must not overlap: output the folder or the files in it, not both.`,
          producer.out.location,
          outer.out.location
            ? [
                {
                  message: `"${folder}" is an output of stage "${outer.stage}"`,
                  location: outer.out.location,
                },
              ]
            : [],
        );
      }
      let set = insideFolder.get(folder);
      if (!set) insideFolder.set(folder, (set = new Set()));
      set.add(producer.stage);
    }
  }

  const edges = new Map<string, Edge[]>();
  for (const stage of sorted) {
    const list: Edge[] = [];
    const seen = new Set<string>();
    const link = (to: string, dep: PathSpec): void => {
      if (seen.has(to)) return;
      seen.add(to);
      list.push({to, dep});
    };
    for (const dep of stage.deps) {
      let found = false;
      const exact = producers.get(dep.path);
      if (exact) {
        link(exact.stage, dep);
        found = true;
      }
      for (const folder of ancestors(dep.path)) {
        const outer = producers.get(folder);
        if (outer) {
          link(outer.stage, dep);
          found = true;
        }
      }
      const inner = insideFolder.get(dep.path);
      if (inner) {
        for (const name of [...inner].sort()) link(name, dep);
        found = true;
      }
      if (!found && checkMissingDeps && !inputs.exists(path.join(root, dep.path))) {
        const near = closest(dep.path, producers.keys());
        diagnostics.error(
          'missing-dep',
          `Dep "${dep.path}" of stage "${stage.name}" does not exist, and no stage outputs it.${near ? ` Did you mean "${near}" (an output of stage "${producers.get(near)!.stage}")?` : ''} Create it, add a stage that lists it in outs, or fix the path.`,
          dep.location,
        );
      }
    }
    list.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
    edges.set(stage.name, list);
  }

  const byName = new Map(sorted.map((s) => [s.name, s]));
  const cycles = findCycles(
    sorted.map((s) => s.name),
    edges,
  );
  for (const cycle of cycles) reportCycle(cycle, edges, byName, diagnostics);

  const upstream = new Map<string, readonly string[]>();
  for (const [name, list] of edges) {
    upstream.set(
      name,
      list.map((e) => e.to).filter((to) => to !== name),
    );
  }
  return {upstream, order: cycles.length > 0 ? undefined : topologicalOrder(sorted, upstream)};
}

/**
 * Strongly connected components (Tarjan, iterative), then one concrete cycle per component:
 * the shortest way from its alphabetically first stage back to itself, so output is stable.
 */
function findCycles(
  names: readonly string[],
  edges: ReadonlyMap<string, readonly Edge[]>,
): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of names) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, position] = frame;
      if (position === 0) {
        index.set(node, counter);
        low.set(node, counter);
        counter++;
        stack.push(node);
        onStack.add(node);
      }
      const list = edges.get(node) ?? [];
      if (position < list.length) {
        frame[1]++;
        const next = list[position]!.to;
        if (!index.has(next)) work.push([next, 0]);
        else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(node)!));
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        const selfLoop = (edges.get(node) ?? []).some((e) => e.to === node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components
    .map((component) => shortestCycle(component, edges))
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

function shortestCycle(
  component: readonly string[],
  edges: ReadonlyMap<string, readonly Edge[]>,
): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const edge of edges.get(node) ?? []) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(edge.to)) {
        previous.set(edge.to, node);
        queue.push(edge.to);
      }
    }
  }
  return [start];
}

function reportCycle(
  cycle: readonly string[],
  edges: ReadonlyMap<string, readonly Edge[]>,
  stages: ReadonlyMap<string, GraphStage>,
  diagnostics: DiagnosticCollector,
): void {
  const first = cycle[0]!;
  const hops: SupplementalLocation[] = [];
  cycle.forEach((from, i) => {
    const to = cycle[(i + 1) % cycle.length]!;
    const edge = edges.get(from)!.find((e) => e.to === to)!;
    const closing = i === cycle.length - 1;
    const message =
      from === to
        ? `${from} depends on its own output (${edge.dep.path})`
        : `${from} depends on ${to} (${edge.dep.path})${closing ? `, which points back to ${first}` : ''}`;
    if (edge.dep.location) hops.push({message, location: edge.dep.location});
  });
  const chain = `${first} depends on ${[...cycle.slice(1), first].join(', which depends on ')}`;
  diagnostics.error(
    'cycle',
    cycle.length === 1
      ? `Stage "${first}" depends on its own output, which would make it wait for itself. Remove the path from its deps or its outs.`
      : `Stages form a cycle: ${chain}. A stage cannot wait for its own outputs; remove one of the deps below, or write that output in another stage.`,
    stages.get(first)?.location,
    hops,
  );
}

/** Kahn's algorithm; among ready stages the alphabetically first goes next. */
function topologicalOrder(
  stages: readonly GraphStage[],
  upstream: ReadonlyMap<string, readonly string[]>,
): string[] {
  const waiting = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const stage of stages) {
    const ups = upstream.get(stage.name) ?? [];
    waiting.set(stage.name, ups.length);
    for (const up of ups) {
      let list = downstream.get(up);
      if (!list) downstream.set(up, (list = []));
      list.push(stage.name);
    }
  }
  const ready = new MinHeap();
  for (const [name, count] of waiting) if (count === 0) ready.push(name);
  const order: string[] = [];
  for (let name = ready.pop(); name !== undefined; name = ready.pop()) {
    order.push(name);
    for (const next of downstream.get(name) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

class MinHeap {
  readonly #items: string[] = [];

  push(value: string): void {
    const items = this.#items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= items[i]!) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): string | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l]! < items[m]!) m = l;
        if (r < items.length && items[r]! < items[m]!) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i]!, items[m]!];
        i = m;
      }
    }
    return top;
  }
}
