import path from 'node:path';
import {DiagnosticCollector, locate} from '../diagnostics/collector.js';
import type {Diagnostic} from '../diagnostics/diagnostic.js';
import {didYouMean} from '../diagnostics/suggest.js';
import {loadYaml} from '../config/load-yaml.js';
import {describeNode, toPlain, type LMap, type LNode} from '../config/located.js';
import {runnerPackage} from '../config/package-root.js';
import {validateShape} from '../schema/validate-shape.js';
import {err, ok, type Result} from '../util/result.js';
import {AnalysisInputs} from './analysis-inputs.js';
import {
  buildStage,
  readRetries,
  readTimeout,
  type StageDefaults,
  type StageDraft,
} from './build-stage.js';
import {expandStage} from './expand.js';
import type {InterpolationSink} from './interpolate.js';
import {buildGraph} from './graph.js';
import {ParamsStore} from './params-store.js';
import {normaliseProjectPath} from './paths.js';
import type {PipelinePlan, RemoteSpec, StagePlan} from './plan.js';
import {resolvePlugins} from './resolve-plugins.js';
import type {PluginEnvironment} from './plugins/load-plugin.js';
import {applySetOverrides, parseSetOverrides} from './set-overrides.js';
import {extendScope, paramsScope, type VarScope} from './vars.js';

/** Input of {@link analyzePipeline}. */
export interface AnalyzeOptions {
  /** Absolute path of pipeline.yaml (or dvc.yaml); the project root is its folder. */
  readonly file: string;
  /** `--set key=value` overrides, raw strings as typed by the user. */
  readonly set?: readonly string[];
  /** Default: 'dvc' when the basename is dvc.yaml, else 'runner'. */
  readonly format?: 'runner' | 'dvc';
}

/** Where built-in plugins are found; tests point this at fixtures. */
export interface AnalyzeEnvironment {
  readonly plugins: PluginEnvironment;
  /**
   * Keep compiled plugin params validators in `<root>/.runner/validators`, so later runs do not
   * load ajv or compile anything. Off unless set.
   */
  readonly cacheValidators?: boolean;
  /** Collects every file and path the analysis read (for the plan cache); a fresh one if unset. */
  readonly inputs?: AnalysisInputs;
}

const STAGE_NAME = /^[A-Za-z0-9_-]+$/;

/** The environment of the installed runner: built-ins under `<package root>/dist/plugins`. */
export function defaultAnalyzeEnvironment(): AnalyzeEnvironment {
  const pkg = runnerPackage();
  return {
    plugins: {builtinDir: path.join(pkg.root, 'dist', 'plugins'), runnerVersion: pkg.version},
    cacheValidators: true,
  };
}

/**
 * Reads a pipeline file and everything it refers to (params files, plugins) and returns the
 * validated, immutable plan, or every problem found, each with its place in the file.
 */
export function analyzePipeline(
  options: AnalyzeOptions,
): Promise<Result<PipelinePlan, readonly Diagnostic[]>> {
  return analyzePipelineIn(options, defaultAnalyzeEnvironment());
}

/** {@link analyzePipeline} with an explicit environment. */
export async function analyzePipelineIn(
  options: AnalyzeOptions,
  environment: AnalyzeEnvironment,
): Promise<Result<PipelinePlan, readonly Diagnostic[]>> {
  const file = path.resolve(options.file);
  const root = path.dirname(file);
  const format = options.format ?? (path.basename(file) === 'dvc.yaml' ? 'dvc' : 'runner');
  const diagnostics = new DiagnosticCollector();
  const inputs = environment.inputs ?? new AnalysisInputs();
  const at = (node: {span: LNode['span']}) => locate(file, node.span);

  const overrides = parseSetOverrides(options.set ?? [], diagnostics);
  const loaded = loadYaml(file, diagnostics, inputs);
  if (!loaded.exists) {
    diagnostics.error(
      'file-not-found',
      `Pipeline file ${file} does not exist. Run the command in the project folder, or pass the file's path.`,
    );
  }
  const top = loaded.root;
  if (!top) return err(diagnostics.sorted());
  if (top.kind !== 'map') {
    if (top.kind === 'scalar' && top.value === null) {
      diagnostics.error(
        'no-stages',
        `${path.basename(file)} is empty. Add a "stages:" mapping with at least one stage.`,
        at(top),
      );
    } else {
      diagnostics.error(
        'wrong-type',
        `${path.basename(file)} must be a mapping with "stages:" at the top, but is ${describeNode(top)}.`,
        at(top),
      );
    }
    return err(diagnostics.sorted());
  }
  const invalid = validateShape(top, toPlain(top), format, file, diagnostics);
  const isInvalid = (pointer: string): boolean =>
    invalid.some((p) => p === pointer || p.startsWith(`${pointer}/`));

  const store = new ParamsStore(root, diagnostics, inputs);
  const defaultParamsFiles = readDefaultParamsFiles(top, root, file, store, diagnostics, isInvalid);
  applySetOverrides(overrides, defaultParamsFiles, store, diagnostics);
  const globalScope = extendScope(
    paramsScope(defaultParamsFiles, store),
    isInvalid('/vars') ? undefined : top.byKey.get('vars')?.value,
    store,
    root,
    file,
    diagnostics,
  );

  const {remotes, defaultRemote} = readRemotes(top, file, diagnostics, isInvalid);
  const defaults = readDefaults(top, globalScope, file, diagnostics, isInvalid);

  const stagesEntry = top.byKey.get('stages');
  const drafts: StageDraft[] = [];
  let outsComplete = true;
  if (!stagesEntry && !invalid.some((p) => p.lastIndexOf('/') === 0)) {
    diagnostics.error(
      'no-stages',
      `${path.basename(file)} has no "stages:". Add a "stages:" mapping with at least one stage.`,
      locate(file, {offset: 0, length: 0}),
    );
  } else if (stagesEntry?.value.kind === 'map') {
    for (const entry of stagesEntry.value.entries) {
      if (!STAGE_NAME.test(entry.key)) {
        diagnostics.error(
          'invalid-stage-name',
          `Stage name "${entry.key}" may contain only letters, digits, "_" and "-"${entry.key.includes('@') ? ' ("@" is reserved for foreach/matrix items such as "train@3")' : ''}. Rename it, e.g. "${entry.key.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'stage'}".`,
          locate(file, entry.keySpan),
        );
        outsComplete = false;
        continue;
      }
      if (entry.value.kind !== 'map') {
        outsComplete = false;
        continue; // reported by the schema check
      }
      const context = {data: globalScope.data, sources: globalScope.sources, locals: {}};
      const instances = expandStage(entry, context, file, diagnostics);
      for (const instance of instances) {
        const draft = buildStage(instance, {
          root,
          file,
          scope: globalScope,
          defaultParamsFiles,
          store,
          diagnostics,
          isInvalid,
          defaults,
        });
        if (!draft.outsComplete) outsComplete = false;
        drafts.push(draft);
      }
    }
  }

  const plugins = await resolvePlugins(drafts, {
    root,
    file,
    env: environment.plugins,
    validatorCacheDir: environment.cacheValidators
      ? path.join(root, '.runner', 'validators')
      : undefined,
    diagnostics,
    inputs,
  });
  // A stage whose outs could not be read might produce a dep; do not call that dep missing.
  const graph = buildGraph(drafts, root, outsComplete, diagnostics, inputs);
  if (diagnostics.hasErrors || !graph.order) return err(diagnostics.sorted());

  const byName = new Map(drafts.map((d) => [d.name, d]));
  const stages = new Map<string, StagePlan>();
  for (const name of graph.order) {
    const draft = byName.get(name);
    const plugin = plugins.get(name);
    if (!draft?.command || (draft.command.type !== 'cmd' && !plugin)) {
      throw new Error(
        `Internal error: stage ${name} has no usable command but no error was reported`,
      );
    }
    const command =
      draft.command.type === 'cmd' ? draft.command : {type: 'plugin' as const, ...plugin!};
    stages.set(
      name,
      deepFreeze({
        name: draft.name,
        desc: draft.desc,
        command,
        wdir: draft.wdir,
        deps: draft.deps,
        outs: draft.outs,
        params: draft.params,
        frozen: draft.frozen,
        alwaysChanged: draft.alwaysChanged,
        retries: draft.retries,
        timeoutMs: draft.timeoutMs,
        upstream: graph.upstream.get(name) ?? [],
        location: draft.location,
      }),
    );
  }
  return ok(
    Object.freeze({
      root,
      file,
      stages,
      order: Object.freeze([...graph.order]),
      remotes,
      defaultRemote,
    }),
  );
}

/** Freezes a value and everything reachable from it, once. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}

function readDefaultParamsFiles(
  top: LMap,
  root: string,
  file: string,
  store: ParamsStore,
  diagnostics: DiagnosticCollector,
  isInvalid: (pointer: string) => boolean,
): string[] {
  const entry = top.byKey.get('params');
  if (!entry || isInvalid('/params')) return ['params.yaml'];
  const nodes = entry.value.kind === 'seq' ? entry.value.items : [entry.value];
  const files: string[] = [];
  for (const node of nodes) {
    if (node.kind !== 'scalar' || typeof node.value !== 'string') continue;
    const normalised = normaliseProjectPath(node.value, '', root, `Params file "${node.value}"`);
    if (!normalised.ok) {
      diagnostics.error(normalised.reason, normalised.message, locate(file, node.span));
      continue;
    }
    if (!store.get(normalised.path).exists) {
      diagnostics.error(
        'missing-params-file',
        `Params file "${normalised.path}" does not exist. Create it, or remove it from "params:".`,
        locate(file, node.span),
      );
    }
    files.push(normalised.path);
  }
  return files;
}

function readDefaults(
  top: LMap,
  scope: VarScope,
  file: string,
  diagnostics: DiagnosticCollector,
  isInvalid: (pointer: string) => boolean,
): StageDefaults {
  const node = top.byKey.get('defaults')?.value;
  if (node?.kind !== 'map' || isInvalid('/defaults')) {
    return {retries: undefined, timeoutMs: undefined};
  }
  const context = {data: scope.data, sources: scope.sources, locals: {}};
  const at = (span: LNode['span']) => locate(file, span);
  // Values from params used here are not tracked: a timeout is not part of any stage's fingerprint.
  const sink: InterpolationSink = {
    error: (reason, message, span) => diagnostics.error(reason, message, at(span)),
    use: () => undefined,
  };
  return {
    retries: readRetries(
      node.byKey.get('retries'),
      'defaults.retries',
      context,
      sink,
      diagnostics,
      at,
    ),
    timeoutMs: readTimeout(
      node.byKey.get('timeout'),
      'defaults.timeout',
      context,
      sink,
      diagnostics,
      at,
    ),
  };
}

function readRemotes(
  top: LMap,
  file: string,
  diagnostics: DiagnosticCollector,
  isInvalid: (pointer: string) => boolean,
): {remotes: ReadonlyMap<string, RemoteSpec>; defaultRemote: string | undefined} {
  const remotes = new Map<string, RemoteSpec>();
  const remotesNode = top.byKey.get('remotes')?.value;
  if (remotesNode?.kind === 'map') {
    for (const entry of remotesNode.entries) {
      const url = entry.value.kind === 'map' ? entry.value.byKey.get('url')?.value : undefined;
      if (url?.kind === 'scalar' && typeof url.value === 'string') {
        remotes.set(entry.key, Object.freeze({name: entry.key, url: url.value}));
      }
    }
  }
  const defaultNode = top.byKey.get('default_remote')?.value;
  let defaultRemote: string | undefined;
  if (
    defaultNode?.kind === 'scalar' &&
    typeof defaultNode.value === 'string' &&
    !isInvalid('/default_remote')
  ) {
    defaultRemote = defaultNode.value;
    if (!remotes.has(defaultRemote) && !isInvalid('/remotes')) {
      const names = [...remotes.keys()];
      diagnostics.error(
        'unknown-remote',
        names.length === 0
          ? `default_remote "${defaultRemote}" is not defined: there are no remotes. Add one under "remotes:", e.g. remotes: {${defaultRemote}: {url: .runner/remote}}.`
          : `default_remote "${defaultRemote}" is not defined.${didYouMean(defaultRemote, names)} Defined remotes: ${names.join(', ')}.`,
        locate(file, defaultNode.span),
      );
    }
  }
  return {remotes, defaultRemote};
}
