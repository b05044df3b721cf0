import path from 'node:path';
import type {RegistryReader} from '../../server/model-source/alias-model-source.js';
import {intOption, parse} from '../args.js';
import {errOut, EXIT, out, UsageError} from '../output.js';

export const SERVE_HELP = `Usage: runner serve [--model PATH | --alias production [--name segmentation]] [options]

Serves a model over HTTP: POST /predict, GET /health, /customers/:id/recommendations, /metrics
(Prometheus) and /drift. The model file (or the registry alias) is watched and reloaded without
dropping requests. SIGTERM or Ctrl-C closes it gracefully.

Options:
      --model PATH     a model.json (default models/model.json; recommendations are read
                       from data/processed/recommendations.parquet beside the project)
      --alias ALIAS    serve what this alias of the registry on the default remote points at
      --name NAME      the registry model name (default segmentation)
      --host HOST      address to bind (default 127.0.0.1)
      --port N         port (default 8080)
      --token T        require "Authorization: Bearer T" (or set RUNNER_SERVE_TOKEN)
      --poll-ms N      how often to check for a new model (default 10000 for aliases)
      --log-level L    debug, info (default), warn, error, silent
  -h, --help           this help
`;

export async function serve(argv: readonly string[], cwd: string): Promise<number> {
  const {values} = parse('serve', argv, {
    file: {type: 'string', short: 'f'},
    model: {type: 'string', short: 'm'},
    alias: {type: 'string', short: 'a'},
    name: {type: 'string', short: 'n'},
    host: {type: 'string'},
    port: {type: 'string', short: 'p'},
    token: {type: 'string'},
    'poll-ms': {type: 'string'},
    'log-level': {type: 'string'},
    help: {type: 'boolean', short: 'h'},
  });
  if (values.help) {
    out(SERVE_HELP);
    return EXIT.ok;
  }
  const level = values['log-level'];
  if (level !== undefined && !['debug', 'info', 'warn', 'error', 'silent'].includes(level)) {
    throw new UsageError(
      `runner serve: --log-level takes debug, info, warn, error or silent, not "${level}".`,
    );
  }
  const registry = values.alias === undefined ? undefined : await registryReader(cwd, values.file);
  const {runServe} = await import('../../server/run-serve.js');
  return runServe(
    {
      model: values.model,
      alias: values.alias,
      name: values.name,
      host: values.host,
      port: values.port === undefined ? undefined : intOption('serve', 'port', values.port, 8080),
      token: values.token,
      pollMs:
        values['poll-ms'] === undefined
          ? undefined
          : intOption('serve', 'poll-ms', values['poll-ms'], 10_000),
      logLevel: level as 'debug' | 'info' | 'warn' | 'error' | 'silent' | undefined,
      cwd,
    },
    {registry, printError: (m) => errOut(`${m}\n`), env: process.env},
  );
}

/** The registry on the default remote, as the server reads it (versions cached locally). */
async function registryReader(
  cwd: string,
  file: string | undefined,
): Promise<RegistryReader | undefined> {
  const {loadPlan} = await import('../load-plan.js');
  const plan = await loadPlan(cwd, file, []);
  if (!plan || plan.defaultRemote === undefined) return undefined;
  const {selectRemote} = await import('../../remote/remote-config.js');
  const selected = selectRemote(plan, undefined);
  if (!selected.ok) return undefined;
  const {remoteRegistryReader} =
    await import('../../server/model-source/remote-registry-reader.js');
  return remoteRegistryReader(selected.value, path.join(plan.root, '.runner', 'serve', 'models'));
}
