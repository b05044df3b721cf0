import type {PipelinePlan} from '../analysis/plan.js';
import {toMermaid} from '../cli/commands/dag.js';
import type {StageOutcome} from '../events/event.js';

/** Fill and stroke per outcome, so the graph shows at a glance what the run did. */
const OUTCOME_STYLE: Record<StageOutcome, string> = {
  run: 'fill:#ffe9b3,stroke:#b7791f',
  cached: 'fill:#d7eaff,stroke:#2b6cb0',
  fresh: 'fill:#e2f5e2,stroke:#2f855a',
  failed: 'fill:#ffd6d6,stroke:#c53030',
  skipped: 'fill:#eeeeee,stroke:#718096',
};

/**
 * The DAG as a mermaid flowchart (the same graph as `runner dag --mermaid`), each stage styled
 * by its outcome in the last run when one is known.
 */
export function planMermaid(
  plan: PipelinePlan,
  outcomes: ReadonlyMap<string, StageOutcome> = new Map(),
): string {
  const chart = toMermaid(plan).trimEnd();
  // Node ids are whatever `runner dag --mermaid` chose; read them back from the node lines.
  const idOf = new Map<string, string>();
  for (const match of chart.matchAll(/^\s+(\S+)\["(.*)"\]$/gm)) {
    idOf.set((match[2] ?? '').replaceAll('#quot;', '"'), match[1] ?? '');
  }
  const lines = [chart];
  const used = new Set<StageOutcome>();
  for (const name of plan.order) {
    const outcome = outcomes.get(name);
    const id = idOf.get(name);
    if (!outcome || !id) continue;
    used.add(outcome);
    lines.push(`  class ${id} ${outcome}`);
  }
  for (const outcome of Object.keys(OUTCOME_STYLE) as StageOutcome[]) {
    if (used.has(outcome)) lines.push(`  classDef ${outcome} ${OUTCOME_STYLE[outcome]}`);
  }
  return lines.join('\n') + '\n';
}
