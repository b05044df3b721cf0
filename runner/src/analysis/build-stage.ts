import type {SourceLocation} from '../diagnostics/diagnostic.js';
import {locate, type DiagnosticCollector} from '../diagnostics/collector.js';
import {didYouMean} from '../diagnostics/suggest.js';
import {describeValue, type LEntry, type LNode, type Span} from '../config/located.js';
import {parseDuration} from '../config/duration.js';
import type {OutSpec, ParamValue, PathSpec} from './plan.js';
import {
  FAILED,
  interpolateNode,
  interpolateString,
  type InterpolationContext,
  type InterpolationSink,
  type TrackedUse,
} from './interpolate.js';
import {allKeys, lookupKey, type ParamsStore} from './params-store.js';
import {normaliseProjectPath, normaliseWdir} from './paths.js';
import type {StageInstance} from './expand.js';
import {extendScope, type VarScope} from './vars.js';

/** A plugin stage before its plugin is loaded. */
export interface PendingPlugin {
  readonly type: 'pending-plugin';
  readonly uses: string;
  readonly usesSpan: Span;
  readonly with: Record<string, unknown>;
  /** The `with:` node, to locate plugin param errors; undefined when absent. */
  readonly withNode: LNode | undefined;
  readonly withKeySpan: Span | undefined;
}

/** A stage as read from the file, before plugins are resolved and the graph is built. */
export interface StageDraft {
  readonly name: string;
  readonly desc: string | undefined;
  /** Undefined when the command could not be read (already reported); the stage still joins the graph. */
  readonly command:
    {readonly type: 'cmd'; readonly cmd: readonly string[]} | PendingPlugin | undefined;
  readonly wdir: string;
  readonly deps: readonly PathSpec[];
  readonly outs: readonly OutSpec[];
  readonly params: readonly ParamValue[];
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  readonly retries: number;
  readonly timeoutMs: number | undefined;
  readonly location: SourceLocation;
  /** Spans of the `deps`/`outs`/`metrics`/`plots` keys, for messages about the counts. */
  readonly fieldSpans: ReadonlyMap<string, Span>;
  /** False when some outs could not be read; then "missing dep" checks would be guesses. */
  readonly outsComplete: boolean;
}

/** What building a stage needs to know about the whole pipeline. */
export interface BuildEnvironment {
  readonly root: string;
  readonly file: string;
  readonly scope: VarScope;
  readonly defaultParamsFiles: readonly string[];
  readonly store: ParamsStore;
  readonly diagnostics: DiagnosticCollector;
  /** True when schema validation already reported a problem at or below this JSON pointer. */
  readonly isInvalid: (pointer: string) => boolean;
  /** The pipeline's `defaults:`, for stages that do not set their own. */
  readonly defaults: StageDefaults;
}

/** Top-level `defaults:` of a pipeline; unset fields are undefined. */
export interface StageDefaults {
  readonly retries: number | undefined;
  readonly timeoutMs: number | undefined;
}

/**
 * A `retries` value after `${}`; undefined when absent or invalid (an invalid one is reported).
 * `label` names the field in messages (`retries` or `defaults.retries`).
 */
export function readRetries(
  entry: LEntry | undefined,
  label: string,
  context: InterpolationContext,
  sink: InterpolationSink,
  diagnostics: DiagnosticCollector,
  at: (span: Span) => SourceLocation,
): number | undefined {
  if (!entry) return undefined;
  const value = interpolateNode(entry.value, context, sink);
  if (value === FAILED) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  diagnostics.error(
    'invalid-retries',
    `${label} must be a whole number of extra attempts (0 or more), but is ${describeValue(value)}. Example: retries: 2.`,
    at(entry.value.span),
  );
  return undefined;
}

/** A `timeout` in milliseconds after `${}`; undefined when absent or invalid (reported). */
export function readTimeout(
  entry: LEntry | undefined,
  label: string,
  context: InterpolationContext,
  sink: InterpolationSink,
  diagnostics: DiagnosticCollector,
  at: (span: Span) => SourceLocation,
): number | undefined {
  if (!entry) return undefined;
  const value = interpolateNode(entry.value, context, sink);
  if (value === FAILED) return undefined;
  const parsed = parseDuration(value);
  if (parsed !== undefined) return parsed;
  diagnostics.error(
    'invalid-timeout',
    `${label} must be a positive duration like "30s", "10m", "1h" or a number of seconds, but is ${describeValue(value)}.`,
    at(entry.value.span),
  );
  return undefined;
}

const OUT_FIELDS = [
  ['outs', 'out'],
  ['metrics', 'metric'],
  ['plots', 'plot'],
] as const;

/**
 * Builds one stage instance. Every problem is reported; the stage is returned even when some
 * fields were unusable, so its paths still take part in the graph checks.
 */
export function buildStage(instance: StageInstance, env: BuildEnvironment): StageDraft {
  const {file, diagnostics, root} = env;
  const {body, name} = instance;
  const at = (span: Span) => locate(file, span);
  const field = (key: string): LEntry | undefined => {
    const entry = body.byKey.get(key);
    return entry && !env.isInvalid(`${instance.pointer}/${key}`) ? entry : undefined;
  };
  const tracked: TrackedUse[] = [];
  const sink: InterpolationSink = {
    error: (reason, message, span) => diagnostics.error(reason, message, at(span)),
    use: (use) => tracked.push(use),
  };
  const scope = extendScope(env.scope, field('vars')?.value, env.store, root, file, diagnostics);
  const context: InterpolationContext = {
    data: scope.data,
    sources: scope.sources,
    locals: instance.locals,
  };
  const str = (node: LNode): string | undefined => {
    if (node.kind !== 'scalar') return undefined;
    const value =
      typeof node.value === 'string'
        ? interpolateString(node.value, context, sink, node.span)
        : node.value;
    if (value === FAILED) return undefined;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    diagnostics.error(
      'wrong-type',
      `Expected a string here, but "\${}" gave ${describeValue(value)}.`,
      at(node.span),
    );
    return undefined;
  };

  // Command: exactly one of cmd and uses.
  const cmdEntry = body.byKey.get('cmd');
  const usesEntry = body.byKey.get('uses');
  const withEntry = body.byKey.get('with');
  let command: StageDraft['command'] | undefined;
  if (cmdEntry && usesEntry) {
    diagnostics.error(
      'cmd-and-uses',
      `Stage "${name}" has both "cmd" and "uses". A stage runs either a shell command (cmd) or a plugin (uses); remove one of them.`,
      at(usesEntry.keySpan),
    );
  } else if (!cmdEntry && !usesEntry) {
    diagnostics.error(
      'missing-command',
      `Stage "${name}" has neither "cmd" nor "uses". Add "cmd: <shell command>" or "uses: <plugin>" (with its params under "with:").`,
      at(instance.keySpan),
    );
  } else if (cmdEntry) {
    if (withEntry) {
      diagnostics.error(
        'with-without-uses',
        `Stage "${name}" has "with" but runs a command; "with" holds plugin params and needs "uses". Remove it, or pass the values in the command.`,
        at(withEntry.keySpan),
      );
    }
    const cmd = field('cmd')
      ? readCmd(cmdEntry, name, context, sink, diagnostics, file)
      : undefined;
    if (cmd) command = {type: 'cmd', cmd};
  } else if (usesEntry && field('uses')) {
    const uses = str(usesEntry.value);
    const withValue =
      withEntry && field('with') ? interpolateNode(withEntry.value, context, sink) : {};
    if (uses !== undefined && withValue !== FAILED) {
      if (typeof withValue !== 'object' || withValue === null || Array.isArray(withValue)) {
        diagnostics.error(
          'wrong-type',
          `"with" of stage "${name}" must be a mapping of plugin params, but is ${describeValue(withValue)}.`,
          at(withEntry!.value.span),
        );
      } else {
        command = {
          type: 'pending-plugin',
          uses,
          usesSpan: usesEntry.value.span,
          // A copy: schema defaults are written into it, and `${}` may have shared params data.
          with: structuredClone(withValue) as Record<string, unknown>,
          withNode: withEntry?.value,
          withKeySpan: withEntry?.keySpan,
        };
      }
    }
  }

  // wdir, then every path relative to it.
  let wdir = '';
  const wdirEntry = field('wdir');
  if (wdirEntry) {
    const raw = str(wdirEntry.value);
    if (raw !== undefined) {
      const normalised = normaliseWdir(raw, root);
      if (normalised === undefined) {
        diagnostics.error(
          'wdir-escapes-root',
          `wdir "${raw}" of stage "${name}" is outside the project folder. A stage's working folder must be the project root or below it.`,
          at(wdirEntry.value.span),
        );
      } else {
        wdir = normalised;
      }
    }
  }

  const fieldSpans = new Map<string, Span>();
  const deps: PathSpec[] = [];
  const depsEntry = field('deps');
  if (depsEntry) fieldSpans.set('deps', depsEntry.keySpan);
  if (depsEntry?.value.kind === 'seq') {
    for (const item of depsEntry.value.items) {
      const raw = str(item);
      if (raw === undefined) continue;
      const normalised = normaliseProjectPath(raw, wdir, root, `Dep "${raw}" of stage "${name}"`);
      if (!normalised.ok) {
        diagnostics.error(normalised.reason, normalised.message, at(item.span));
        continue;
      }
      deps.push({path: normalised.path, location: at(item.span)});
    }
  }

  const outs: OutSpec[] = [];
  let outsComplete = true;
  for (const [key, kind] of OUT_FIELDS) {
    const entry = body.byKey.get(key);
    if (!entry) continue;
    fieldSpans.set(key, entry.keySpan);
    if (!field(key) || entry.value.kind !== 'seq') {
      outsComplete = false;
      continue;
    }
    for (const item of entry.value.items) {
      const out = readOut(item, kind, name, wdir, context, sink, env);
      if (out) outs.push(out);
      else outsComplete = false;
    }
  }

  const params = readParams(field('params'), name, wdir, tracked, env);

  const frozen = booleanField(field('frozen'));
  const alwaysChanged = booleanField(field('always_changed'));
  // A stage's own value wins over the pipeline's `defaults:`.
  const retries =
    readRetries(field('retries'), 'retries', context, sink, diagnostics, at) ??
    env.defaults.retries ??
    0;
  const timeoutMs =
    readTimeout(field('timeout'), 'timeout', context, sink, diagnostics, at) ??
    env.defaults.timeoutMs;
  const descEntry = field('desc');
  const desc = descEntry ? str(descEntry.value) : undefined;

  return {
    name,
    desc,
    command,
    wdir,
    deps,
    outs,
    params,
    frozen,
    alwaysChanged,
    retries,
    timeoutMs,
    location: at(instance.keySpan),
    fieldSpans,
    outsComplete,
  };
}

function booleanField(entry: LEntry | undefined): boolean {
  return entry?.value.kind === 'scalar' && entry.value.value === true;
}

function readCmd(
  entry: LEntry,
  name: string,
  context: InterpolationContext,
  sink: InterpolationSink,
  diagnostics: DiagnosticCollector,
  file: string,
): string[] | undefined {
  const nodes = entry.value.kind === 'seq' ? entry.value.items : [entry.value];
  const cmd: string[] = [];
  let failed = false;
  for (const node of nodes) {
    if (node.kind !== 'scalar' || typeof node.value !== 'string') {
      failed = true;
      continue;
    }
    const value = interpolateString(node.value, context, sink, node.span);
    if (value === FAILED) {
      failed = true;
      continue;
    }
    if (typeof value === 'object' && value !== null) {
      sink.error(
        'interpolated-collection',
        `The command of stage "${name}" is a single \${} that gives ${describeValue(value)}; a command must be a string. Reference a single value, e.g. "\${...key}".`,
        node.span,
      );
      failed = true;
      continue;
    }
    const text = String(value);
    if (text.trim() === '') {
      diagnostics.error(
        'empty-cmd',
        `The command of stage "${name}" is empty. Write the shell command to run.`,
        locate(file, node.span),
      );
      failed = true;
      continue;
    }
    cmd.push(text);
  }
  if (nodes.length === 0) {
    diagnostics.error(
      'empty-cmd',
      `The command list of stage "${name}" is empty. List at least one shell command.`,
      locate(file, entry.value.span),
    );
    return undefined;
  }
  return failed ? undefined : cmd;
}

function readOut(
  item: LNode,
  kind: OutSpec['kind'],
  stage: string,
  wdir: string,
  context: InterpolationContext,
  sink: InterpolationSink,
  env: BuildEnvironment,
): OutSpec | undefined {
  let raw: unknown;
  let span: Span;
  let cache = true;
  let persist = false;
  if (item.kind === 'map') {
    const [entry] = item.entries;
    if (!entry) return undefined;
    span = entry.keySpan;
    raw = interpolateString(entry.key, context, sink, span);
    const options = entry.value.kind === 'map' ? entry.value : undefined;
    for (const option of ['cache', 'persist'] as const) {
      const node = options?.byKey.get(option)?.value;
      if (!node) continue;
      const value = interpolateNode(node, context, sink);
      if (value === FAILED) return undefined;
      if (typeof value !== 'boolean') {
        sink.error(
          'wrong-type',
          `"${option}" must be true or false, but is ${describeValue(value)}.`,
          node.span,
        );
        return undefined;
      }
      if (option === 'cache') cache = value;
      else persist = value;
    }
  } else if (item.kind === 'scalar') {
    span = item.span;
    raw =
      typeof item.value === 'string'
        ? interpolateString(item.value, context, sink, span)
        : item.value;
  } else {
    return undefined;
  }
  if (raw === FAILED) return undefined;
  if (typeof raw !== 'string') {
    sink.error(
      'wrong-type',
      `An output path must be a string, but is ${describeValue(raw)}.`,
      span,
    );
    return undefined;
  }
  const label = kind === 'out' ? 'Out' : kind === 'metric' ? 'Metrics file' : 'Plots file';
  const normalised = normaliseProjectPath(
    raw,
    wdir,
    env.root,
    `${label} "${raw}" of stage "${stage}"`,
  );
  if (!normalised.ok) {
    env.diagnostics.error(normalised.reason, normalised.message, locate(env.file, span));
    return undefined;
  }
  return {path: normalised.path, kind, cache, persist, location: locate(env.file, span)};
}

function readParams(
  entry: LEntry | undefined,
  stage: string,
  wdir: string,
  tracked: readonly TrackedUse[],
  env: BuildEnvironment,
): ParamValue[] {
  const {diagnostics, store, file} = env;
  const out = new Map<string, ParamValue>();
  const add = (paramsFile: string, key: string, value: unknown): void => {
    out.set(`${paramsFile}\0${key}`, {file: paramsFile, key, value});
  };
  const lookup = (paramsFile: string, key: string, span: Span): void => {
    const params = store.get(paramsFile);
    if (!params.data) return;
    const found =
      key === '' ? {found: true as const, value: params.data} : lookupKey(params.data, key);
    if (found.found) {
      add(paramsFile, key, found.value);
      return;
    }
    diagnostics.error(
      'missing-params-key',
      `Param "${key}" of stage "${stage}" is not in ${paramsFile}.${didYouMean(key, allKeys(params.data))} Add it to ${paramsFile}, or fix the key.`,
      locate(file, span),
    );
  };
  if (entry?.value.kind === 'seq') {
    for (const item of entry.value.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string') {
        const key = item.value;
        const existing = env.defaultParamsFiles.filter((f) => store.get(f).exists);
        if (existing.length === 0) {
          diagnostics.error(
            'missing-params-file',
            `Stage "${stage}" tracks param "${key}", but ${env.defaultParamsFiles.join(', ')} does not exist. Create ${env.defaultParamsFiles[0] ?? 'params.yaml'} defining "${key}", or remove the entry.`,
            locate(file, item.span),
          );
          continue;
        }
        const holder = existing.find((f) => {
          const data = store.get(f).data;
          return data !== undefined && lookupKey(data, key).found;
        });
        lookup(holder ?? existing[0]!, key, item.span);
      } else if (item.kind === 'map') {
        for (const fileEntry of item.entries) {
          const normalised = normaliseProjectPath(
            fileEntry.key,
            wdir,
            env.root,
            `Params file "${fileEntry.key}" of stage "${stage}"`,
          );
          if (!normalised.ok) {
            diagnostics.error(
              normalised.reason,
              normalised.message,
              locate(file, fileEntry.keySpan),
            );
            continue;
          }
          const paramsFile = normalised.path;
          if (!store.get(paramsFile).exists) {
            diagnostics.error(
              'missing-params-file',
              `Params file "${paramsFile}" of stage "${stage}" does not exist. Create it, or fix the path (relative to ${wdir === '' ? 'the pipeline file' : `wdir "${wdir}"`}).`,
              locate(file, fileEntry.keySpan),
            );
            continue;
          }
          const keys = fileEntry.value.kind === 'seq' ? fileEntry.value.items : [];
          // As in DVC, a file with no keys tracks the whole file.
          if (keys.length === 0) lookup(paramsFile, '', fileEntry.keySpan);
          for (const keyNode of keys) {
            if (keyNode.kind === 'scalar' && typeof keyNode.value === 'string') {
              lookup(paramsFile, keyNode.value, keyNode.span);
            }
          }
        }
      }
    }
  }
  const explicit = [...out.values()];
  for (const use of tracked) {
    // A key inside a section the stage already tracks adds nothing.
    const covered = explicit.some(
      (p) =>
        p.file === use.file &&
        (p.key === '' || use.key === p.key || use.key.startsWith(`${p.key}.`)),
    );
    if (covered) continue;
    const data = store.get(use.file).data;
    if (!data) continue;
    const found = lookupKey(data, use.key);
    if (found.found) add(use.file, use.key, found.value);
  }
  return [...out.values()].sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
}
