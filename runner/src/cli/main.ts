import {EXIT, errOut, out, UsageError} from './output.js';

const HELP = `Usage: runner <command> [options]

Runs reproducible ML pipelines declared in pipeline.yaml: stages in parallel, every input and
output content-hashed, nothing recomputed that ran before.

Commands:
  repro [targets...]     run what is out of date (see runner repro --help)
  status [--json]        what repro would do, per stage, and why
  dag                    the stage graph (--mermaid, --dot, --json)
  validate               check pipeline.yaml and print every problem
  plugins list           the built-in stage plugins
  exp                    experiments: run variants and grids, compare, apply, share
  metrics show|diff      metrics of the workspace and git revisions
  params diff            params changed between revisions
  plots show|diff        the pipeline's plots as PNG, SVG and HTML
  report --base REV      the pull-request report (markdown + plots)
  export dvc|airflow|argo|github   the pipeline in another tool's format
  push|pull|fetch        artifacts and run records to/from a remote (gs:// or a folder)
  remote add|list|default   the remotes of pipeline.yaml
  gc                     remove cache objects nothing refers to (locally or --cloud)
  models list|promote|rollback   the model registry on the default remote
  serve                  the model server (predict, health, metrics, drift)

Run \`runner <command> --help\` for a command's options.
`;

type Command = (argv: readonly string[], cwd: string) => Promise<number>;

/** Each command is imported only when used, so start-up stays small. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  repro: async () => (await import('./commands/repro.js')).repro,
  status: async () => (await import('./commands/status.js')).status,
  dag: async () => (await import('./commands/dag.js')).dag,
  validate: async () => (await import('./commands/validate.js')).validate,
  plugins: async () => (await import('./commands/plugins.js')).plugins,
  exp: async () => (await import('./commands/exp.js')).exp,
  metrics: async () => (await import('../report/cli.js')).metricsCli,
  params: async () => (await import('../report/cli.js')).paramsCli,
  plots: async () => (await import('../report/cli.js')).plotsCli,
  report: async () => (await import('../report/cli.js')).reportCli,
  export: async () => exportCommand,
  push: async () => (argv, cwd) =>
    import('./commands/transfer.js').then((m) => m.transfer('push', argv, cwd)),
  pull: async () => (argv, cwd) =>
    import('./commands/transfer.js').then((m) => m.transfer('pull', argv, cwd)),
  fetch: async () => (argv, cwd) =>
    import('./commands/transfer.js').then((m) => m.transfer('fetch', argv, cwd)),
  remote: async () => (await import('./commands/remote.js')).remote,
  gc: async () => (await import('./commands/gc.js')).gc,
  models: async () => (await import('./commands/models.js')).models,
  serve: async () => (await import('./commands/serve.js')).serve,
};

/** `export dvc` and `export airflow|argo|github` live in two modules. */
const exportCommand: Command = async (argv, cwd) => {
  if (argv[0] === 'dvc') return (await import('../export/cli.js')).exportCli(argv, cwd);
  if (argv[0] === undefined || argv[0] === '--help' || argv[0] === '-h') {
    const [{EXPORT_HELP: dvcHelp}, {EXPORT_HELP: enginesHelp}] = await Promise.all([
      import('../export/cli.js'),
      import('../export/command.js'),
    ]);
    out(`${dvcHelp}
${enginesHelp}`);
    return argv[0] === undefined ? EXIT.usage : EXIT.ok;
  }
  return (await import('../export/command.js')).exportMain(argv, cwd);
};

export async function main(argv: readonly string[], cwd: string = process.cwd()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    const {runnerPackage} = await import('../config/package-root.js');
    out(`${runnerPackage().version}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    errOut(`runner: unknown command "${name}".\n\n${HELP}`);
    return EXIT.usage;
  }
  try {
    return await (
      await load()
    )(rest, cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      errOut(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
