import {Document} from 'yaml';
import type {StagePlan} from '../analysis/plan.js';
import {
  headerText,
  runnerCommandLine,
  type ExportSource,
  type TaskCallOptions,
} from './export-source.js';
import {githubJobIds} from './task-ids.js';

/** Options of {@link renderGithubWorkflow}. */
export interface GithubOptions extends TaskCallOptions {
  /** The workflow's `name`. */
  readonly name: string;
  /** A 5-field cron expression adding a `schedule` trigger; undefined: `workflow_dispatch` only. */
  readonly schedule?: string | undefined;
  /** Secret holding the JSON key of a service account of the remote's bucket. */
  readonly credentialsSecret: string;
  /** `runs-on` of every job. */
  readonly runsOn: string;
  /** The command line that regenerates the file, for its header. */
  readonly regenerate: string;
}

export const DEFAULT_CREDENTIALS_SECRET = 'GCP_SA_KEY';

const CRON = /^\S+( \S+){4}$/;

/**
 * A GitHub Actions workflow: one job per stage (each foreach/matrix item its own job) with
 * `needs:` from the plan's edges. Jobs share nothing but the remote: each checks out the
 * repository, installs it and runs `runner repro STAGE --single-item --pull --push`.
 */
export function githubWorkflow(
  source: ExportSource,
  options: GithubOptions,
): Record<string, unknown> {
  const {plan} = source;
  if (options.schedule !== undefined && !CRON.test(options.schedule.trim())) {
    throw new Error(
      `GitHub schedules are 5-field cron expressions such as "0 3 * * *", not "${options.schedule}".`,
    );
  }
  const ids = githubJobIds(plan.order);
  const jobs: Record<string, unknown> = {};
  for (const name of plan.order) {
    const stage = plan.stages.get(name)!;
    jobs[ids.get(name)!] = job(source, stage, ids, options);
  }
  const on: Record<string, unknown> = {workflow_dispatch: null};
  if (options.schedule !== undefined) on['schedule'] = [{cron: options.schedule.trim()}];
  return {name: options.name, on, permissions: {contents: 'read'}, jobs};
}

/** {@link githubWorkflow} as YAML with the generated-file header. Same plan, same bytes. */
export function renderGithubWorkflow(source: ExportSource, options: GithubOptions): string {
  const doc = new Document(githubWorkflow(source, options));
  doc.commentBefore = ` ${headerText(source, 'github', options.regenerate)}\n Jobs share results only through the remote (secret ${options.credentialsSecret}: a service account key).`;
  return doc.toString({lineWidth: 0, indentSeq: true, nullStr: '', singleQuote: true});
}

function job(
  source: ExportSource,
  stage: StagePlan,
  ids: ReadonlyMap<string, string>,
  options: GithubOptions,
): Record<string, unknown> {
  const out: Record<string, unknown> = {name: stage.name};
  if (stage.upstream.length > 0) out['needs'] = stage.upstream.map((up) => ids.get(up));
  out['runs-on'] = options.runsOn;
  const command = runnerCommandLine(source, stage.name, options);
  const run: Record<string, unknown> = {
    name: `runner repro ${stage.name}`,
    run:
      stage.retries > 0
        ? // GitHub has no step retries: a loop gives the stage its extra attempts.
          `for attempt in $(seq ${stage.retries + 1}); do\n  ${command} && exit 0\n  echo "attempt $attempt of ${stage.retries + 1} failed"\ndone\nexit 1\n`
        : command,
  };
  if (stage.timeoutMs !== undefined) {
    run['timeout-minutes'] = Math.ceil((stage.timeoutMs * (stage.retries + 1)) / 60_000);
  }
  out['steps'] = [
    {uses: 'actions/checkout@v4'},
    {uses: 'actions/setup-node@v4', with: {'node-version': 20, cache: 'npm'}},
    {run: 'npm ci'},
    {
      name: 'Credentials of the remote',
      env: {KEY: `\${{ secrets.${options.credentialsSecret} }}`},
      // Without the secret the job still runs, against whatever the remote's URL reaches.
      run: 'if [ -n "$KEY" ]; then\n  printf \'%s\' "$KEY" > "$RUNNER_TEMP/remote-key.json"\n  echo "GOOGLE_APPLICATION_CREDENTIALS=$RUNNER_TEMP/remote-key.json" >> "$GITHUB_ENV"\nfi\n',
    },
    run,
  ];
  return out;
}
