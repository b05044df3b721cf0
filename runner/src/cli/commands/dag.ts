import type {PipelinePlan} from '../../analysis/plan.js';
import {parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {EXIT, out} from '../output.js';

export const DAG_HELP = `Usage: runner dag [options]

Prints the stage graph.

Options:
  -f, --file FILE   pipeline file
      --mermaid     a mermaid flowchart
      --dot         Graphviz dot
      --json        {"stages": [...], "edges": [[from, to], ...]}
  -h, --help        this help
`;

export async function dag(argv: readonly string[], cwd: string): Promise<number> {
  const {values} = parse('dag', argv, {
    ...PIPELINE_OPTIONS,
    mermaid: {type: 'boolean'},
    dot: {type: 'boolean'},
    json: {type: 'boolean'},
  });
  if (values.help) {
    out(DAG_HELP);
    return EXIT.ok;
  }
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  if (values.mermaid) out(toMermaid(plan));
  else if (values.dot) out(toDot(plan));
  else if (values.json)
    out(`${JSON.stringify({stages: plan.order, edges: edges(plan)}, null, 2)}\n`);
  else out(toText(plan));
  return EXIT.ok;
}

export function edges(plan: PipelinePlan): [string, string][] {
  return plan.order.flatMap((name) =>
    (plan.stages.get(name)?.upstream ?? []).map((up): [string, string] => [up, name]),
  );
}

/** Mermaid ids must be simple; stage names may hold `@`, `-` or `.`. */
export function toMermaid(plan: PipelinePlan): string {
  const id = new Map(plan.order.map((name, i) => [name, `s${i}`]));
  const lines = ['flowchart TD'];
  for (const name of plan.order) lines.push(`  ${id.get(name)}["${name.replace(/"/g, '#quot;')}"]`);
  for (const [from, to] of edges(plan)) lines.push(`  ${id.get(from)} --> ${id.get(to)}`);
  return `${lines.join('\n')}\n`;
}

function toDot(plan: PipelinePlan): string {
  const lines = ['digraph pipeline {', '  rankdir=TB;'];
  for (const name of plan.order) lines.push(`  ${JSON.stringify(name)};`);
  for (const [from, to] of edges(plan))
    lines.push(`  ${JSON.stringify(from)} -> ${JSON.stringify(to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function toText(plan: PipelinePlan): string {
  return plan.order
    .map((name) => {
      const up = plan.stages.get(name)?.upstream ?? [];
      return up.length > 0 ? `${name}  <-  ${up.join(', ')}\n` : `${name}\n`;
    })
    .join('');
}
