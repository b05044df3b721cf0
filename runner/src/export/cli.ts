import {readFile} from 'node:fs/promises';
import {isAbsolute, join, relative} from 'node:path';
import {parse, PIPELINE_OPTIONS} from '../cli/args.js';
import {loadPlan} from '../cli/load-plan.js';
import {EXIT, errOut, out, UsageError} from '../cli/output.js';
import {renderDvcYaml, writeDvcYaml} from './dvc.js';

export const EXPORT_HELP = `Usage: runner export dvc [--out dvc.yaml] [--check]

Writes the pipeline in DVC's format: every stage (foreach/matrix items as plain stages) with
its deps, outs, params, metrics and plots, and a cmd that runs the stage through this runner,
so \`dvc repro\` and \`dvc dag\` work on the same project.

Options:
  -f, --file FILE   pipeline file
  -o, --out FILE    where to write (default dvc.yaml beside the pipeline file)
      --check       write nothing; exit 1 if the file is missing or out of date
  -h, --help        this help
`;

/** `runner export dvc`. */
export async function exportCli(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('export', argv, {
    ...PIPELINE_OPTIONS,
    out: {type: 'string', short: 'o'},
    check: {type: 'boolean'},
  });
  if (values.help) {
    out(EXPORT_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1 || positionals[0] !== 'dvc') {
    throw new UsageError(
      'runner export: expected `runner export dvc`.\nRun `runner export --help` for usage.',
    );
  }
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const file =
    values.out === undefined
      ? join(plan.root, 'dvc.yaml')
      : isAbsolute(values.out)
        ? values.out
        : join(cwd, values.out);
  const shown = relative(cwd, file) || file;
  if (values.check) {
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === renderDvcYaml(plan)) {
      out(`${shown} is up to date\n`);
      return EXIT.ok;
    }
    errOut(
      `${shown} is ${current === undefined ? 'missing' : 'out of date'}; run \`runner export dvc\` and commit it\n`,
    );
    return EXIT.stageFailed;
  }
  await writeDvcYaml(plan, file);
  out(`wrote ${shown} (${plan.order.length} stages)\n`);
  return EXIT.ok;
}
