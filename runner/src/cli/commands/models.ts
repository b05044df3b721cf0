import {parse, PIPELINE_OPTIONS} from '../args.js';
import {loadPlan} from '../load-plan.js';
import {errOut, EXIT, out, UsageError} from '../output.js';
import {selectRemote} from './transfer.js';

export const MODELS_HELP = `Usage: runner models list [--json]
       runner models promote VERSION --alias production [--name segmentation] [--force]
       runner models rollback --alias production [--name segmentation]

The model registry on the default remote: versions (content hashes of model.json) published
by the deploy stage, and aliases such as staging and production that a server follows.
promote checks the deploy stage's gates against the version's metrics unless --force.
`;

export async function models(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('models', argv, {
    ...PIPELINE_OPTIONS,
    remote: {type: 'string', short: 'r'},
    name: {type: 'string', short: 'n'},
    alias: {type: 'string', short: 'a'},
    force: {type: 'boolean'},
    json: {type: 'boolean'},
  });
  const [sub, ...args] = positionals;
  if (values.help || sub === undefined) {
    out(MODELS_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const plan = await loadPlan(cwd, values.file, values.set);
  if (!plan) return EXIT.usage;
  const remote = await selectRemote(plan, values.remote, 'models');
  const registry = await import('../../registry/index.js');
  const name = values.name ?? 'segmentation';
  switch (sub) {
    case 'list': {
      const listed = await registry.listModels(remote);
      if (!listed.ok) return fail(listed.error.message);
      if (values.json) {
        out(`${JSON.stringify(listed.value, null, 2)}\n`);
        return EXIT.ok;
      }
      if (listed.value.length === 0)
        out(`No models in the registry at ${remote.url}: the deploy stage publishes them.\n`);
      for (const model of listed.value) {
        out(`${model.name}\n`);
        for (const v of model.versions) {
          const aliases = Object.entries(model.aliases)
            .filter(([, version]) => version === v.version)
            .map(([alias]) => alias);
          out(
            `  ${v.version}  ${v.createdAt}${v.gitCommit ? `  ${v.gitCommit.slice(0, 8)}` : ''}${aliases.length ? `  <- ${aliases.join(', ')}` : ''}\n`,
          );
        }
      }
      return EXIT.ok;
    }
    case 'promote': {
      const [version] = args;
      if (version === undefined || values.alias === undefined)
        throw new UsageError('runner models promote: give VERSION and --alias ALIAS.');
      const gates = deployGates(plan);
      const promoted = await registry.promoteModel(remote, {
        name,
        version,
        alias: values.alias,
        ...(gates ? {gates} : {}),
        force: values.force === true,
      });
      if (!promoted.ok) {
        if (promoted.error.reason === 'gates-failed' && 'gates' in promoted.error) {
          for (const c of promoted.error.gates.checks)
            errOut(`  ${c.passed ? 'pass' : 'FAIL'}  ${c.message}\n`);
          errOut(
            `runner models promote: ${promoted.error.message}\nUse --force to promote it anyway.\n`,
          );
          return EXIT.stageFailed;
        }
        return fail(promoted.error.message);
      }
      const r = promoted.value;
      out(
        r.moved
          ? `${name}@${values.alias}: ${r.previous ?? '(none)'} -> ${r.version}${r.forced ? ' (forced past the gates)' : ''}\n`
          : `${name}@${values.alias} already points at ${r.version}.\n`,
      );
      return EXIT.ok;
    }
    case 'rollback': {
      if (values.alias === undefined)
        throw new UsageError('runner models rollback: give --alias ALIAS.');
      const rolled = await registry.rollbackModel(remote, {name, alias: values.alias});
      if (!rolled.ok) return fail(rolled.error.message);
      out(`${name}@${values.alias}: ${rolled.value.from} -> ${rolled.value.to}\n`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`runner models: unknown subcommand "${sub}".\n\n${MODELS_HELP}`);
  }
}

/** The gates of the pipeline's deploy stage, which promote applies too. */
function deployGates(plan: {
  order: readonly string[];
  stages: ReadonlyMap<
    string,
    {command: {type: string; with?: Readonly<Record<string, unknown>>; plugin?: {name: string}}}
  >;
}): Record<string, {min?: number; max?: number}> | undefined {
  for (const name of plan.order) {
    const command = plan.stages.get(name)?.command;
    if (command?.type === 'plugin' && command.plugin?.name === 'deploy') {
      const gates = command.with?.['gates'];
      if (gates && typeof gates === 'object')
        return gates as Record<string, {min?: number; max?: number}>;
    }
  }
  return undefined;
}

function fail(message: string): number {
  errOut(`runner models: ${message}\n`);
  return EXIT.stageFailed;
}
