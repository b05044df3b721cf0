import path from 'node:path';
import {parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {EXIT, out} from '../output.js';

export const VALIDATE_HELP = `Usage: runner validate [options]

Checks the pipeline file (schema, params, \`\${}\`, plugins and their params, the graph) and
prints every problem at once as FILE:LINE:COL. Runs nothing.

Options:
  -f, --file FILE       pipeline file
  -S, --set KEY=VALUE   check these overrides too
  -h, --help            this help
`;

export async function validate(argv: readonly string[], cwd: string): Promise<number> {
  const {values} = parse('validate', argv, PIPELINE_OPTIONS);
  if (values.help) {
    out(VALIDATE_HELP);
    return EXIT.ok;
  }
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  out(`${path.relative(cwd, plan.file) || plan.file} is valid: ${plan.stages.size} stages.\n`);
  return EXIT.ok;
}
