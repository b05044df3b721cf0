import {Document} from 'yaml';
import type {StagePlan} from '../analysis/plan.js';
import {headerText, runnerArgv, type ExportSource, type TaskCallOptions} from './export-source.js';
import {dnsLabels} from './task-ids.js';

/** Options of {@link renderArgoWorkflow}. */
export interface ArgoOptions extends TaskCallOptions {
  /** `metadata.generateName` is this name and a dash. */
  readonly name: string;
  /** Image of the stage pods: the repository with its dependencies installed, as working directory. */
  readonly image: string;
  /** The command line that regenerates the file, for its header. */
  readonly regenerate: string;
}

/** The default image: Node 20 (the project's own image should add the repository and `npm ci`). */
export const DEFAULT_ARGO_IMAGE = 'node:20-bookworm-slim';

/** Placeholder that each DAG task fills with the stage it runs. */
const STAGE_PARAMETER = 'stage';
const ENTRYPOINT = 'pipeline';

/**
 * An Argo Workflows `Workflow` (argoproj.io/v1alpha1): a `dag` template with one task per stage
 * (each foreach/matrix item its own task) and `dependencies` from the plan's edges; the tasks
 * share container templates that run `runner repro STAGE --single-item --pull --push`, one
 * template per distinct retry/timeout policy (Argo sets both on templates, not on tasks).
 */
export function argoWorkflow(source: ExportSource, options: ArgoOptions): Record<string, unknown> {
  const {plan} = source;
  const taskNames = dnsLabels(plan.order);
  const policies = new Map<string, StagePlan>();
  const templateOf = new Map<string, string>();
  for (const name of plan.order) {
    const stage = plan.stages.get(name)!;
    const template = policyName(stage);
    if (!policies.has(template)) policies.set(template, stage);
    templateOf.set(name, template);
  }
  const tasks = plan.order.map((name) => {
    const stage = plan.stages.get(name)!;
    const task: Record<string, unknown> = {name: taskNames.get(name)};
    if (stage.upstream.length > 0) {
      task['dependencies'] = stage.upstream.map((up) => taskNames.get(up));
    }
    task['template'] = templateOf.get(name);
    task['arguments'] = {parameters: [{name: STAGE_PARAMETER, value: name}]};
    return task;
  });
  const stageTemplates = [...policies.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([templateName, stage]) => containerTemplate(source, templateName, stage, options));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${options.name}-`,
      labels: {'app.kubernetes.io/managed-by': 'runner'},
    },
    spec: {
      entrypoint: ENTRYPOINT,
      templates: [{name: ENTRYPOINT, dag: {tasks}}, ...stageTemplates],
    },
  };
}

/** {@link argoWorkflow} as YAML with the generated-file header. Same plan, same bytes. */
export function renderArgoWorkflow(source: ExportSource, options: ArgoOptions): string {
  const doc = new Document(argoWorkflow(source, options));
  doc.commentBefore = ` ${headerText(source, 'argo', options.regenerate)}\n Every task is a stateless runner call: it pulls its inputs from the remote and pushes its results.`;
  return doc.toString({lineWidth: 0, indentSeq: true, singleQuote: true});
}

function containerTemplate(
  source: ExportSource,
  name: string,
  stage: StagePlan,
  options: ArgoOptions,
): Record<string, unknown> {
  const argv = runnerArgv(source, `{{inputs.parameters.${STAGE_PARAMETER}}}`, options);
  const template: Record<string, unknown> = {
    name,
    inputs: {parameters: [{name: STAGE_PARAMETER}]},
    container: {image: options.image, command: argv.slice(0, 1), args: argv.slice(1)},
  };
  // IntOrString in Argo's schema: written as strings.
  if (stage.retries > 0) {
    template['retryStrategy'] = {limit: String(stage.retries), retryPolicy: 'Always'};
  }
  if (stage.timeoutMs !== undefined) {
    template['activeDeadlineSeconds'] = String(Math.ceil(stage.timeoutMs / 1000));
  }
  return template;
}

/** `stage`, `stage-retries-2`, `stage-timeout-600s`, `stage-retries-2-timeout-600s`. */
function policyName(stage: StagePlan): string {
  let name = 'stage';
  if (stage.retries > 0) name += `-retries-${stage.retries}`;
  if (stage.timeoutMs !== undefined) name += `-timeout-${Math.ceil(stage.timeoutMs / 1000)}s`;
  return name;
}
