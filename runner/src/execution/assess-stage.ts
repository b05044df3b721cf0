import path from 'node:path';
import type {StagePlan} from '../analysis/plan.js';
import type {Reason} from '../events/event.js';
import {hashPath} from '../hashing/hash-path.js';
import {stageFingerprint} from '../hashing/fingerprint.js';
import type {RunRecord} from '../cache/run-cache.js';
import type {LockPath, LockStage} from '../lock/lock-file.js';
import type {WorkspaceState} from './workspace-state.js';
import {canonicalJson} from '../hashing/canonical-json.js';

/** What a stage would do now, and why. */
export type Assessment =
  | {
      readonly outcome: 'fresh';
      readonly reasons: readonly Reason[];
      readonly fingerprint: string | undefined;
    }
  | {
      readonly outcome: 'cached';
      readonly reasons: readonly Reason[];
      readonly fingerprint: string;
      readonly deps: readonly LockPath[];
      readonly record: RunRecord;
    }
  | {
      readonly outcome: 'run';
      readonly reasons: readonly Reason[];
      /** Undefined when a dep is missing (only possible in a dry run or status). */
      readonly fingerprint: string | undefined;
      readonly deps: readonly LockPath[];
    };

export interface AssessOptions {
  readonly forced: boolean;
  readonly useRunCache: boolean;
  /** Upstream stages that will (or did) change their outputs in this run, for status and dry runs. */
  readonly changedUpstream: readonly string[];
}

/**
 * Decides fresh / cached / run with DVC's rules, cheapest checks first: the lock entry and the
 * fingerprint (deps are hashed through the stat cache, so unchanged files are not read), then the
 * outs, then the run-cache.
 */
export async function assessStage(
  stage: StagePlan,
  state: WorkspaceState,
  options: AssessOptions,
): Promise<Assessment> {
  if (stage.frozen) return {outcome: 'fresh', reasons: [{kind: 'frozen'}], fingerprint: undefined};

  const deps: LockPath[] = [];
  const missing: Reason[] = [];
  for (const dep of stage.deps) {
    const hashed = await hashPath(path.join(state.root, dep.path), state.statCache, state.objects);
    if (hashed) deps.push(toLockPath(dep.path, hashed));
    else missing.push({kind: 'dep-missing', path: dep.path});
  }
  const upstreamReasons: Reason[] = options.changedUpstream.map((s) => ({
    kind: 'upstream-changed',
    stage: s,
  }));
  if (missing.length > 0) {
    return {
      outcome: 'run',
      reasons: [...upstreamReasons, ...missing],
      fingerprint: undefined,
      deps,
    };
  }

  const fingerprint = stageFingerprint(stage, deps);
  const entry = state.lock.get(stage.name);
  const reasons: Reason[] = [];
  if (stage.alwaysChanged) reasons.push({kind: 'always-changed'});
  if (options.forced) reasons.push({kind: 'forced'});
  if (!entry) reasons.push({kind: 'no-lock-entry'});
  else if (entry.fingerprint !== fingerprint) reasons.push(...explainChange(stage, entry, deps));
  if (reasons.length === 0) {
    const outReasons = await changedOuts(stage, entry, state);
    if (outReasons.length === 0) return {outcome: 'fresh', reasons: [], fingerprint};
    reasons.push(...outReasons);
  }
  reasons.unshift(...upstreamReasons);

  if (options.useRunCache && !stage.alwaysChanged && !options.forced && canRunCache(stage)) {
    const record = await state.runs.get(fingerprint);
    if (record && (await allObjectsPresent(record, state))) {
      return {outcome: 'cached', reasons, fingerprint, deps, record};
    }
  }
  return {outcome: 'run', reasons, fingerprint, deps};
}

/** Like DVC's `_can_hash`: only stages whose every output is cached can be restored whole. */
export function canRunCache(stage: StagePlan): boolean {
  return stage.outs.length > 0 && stage.outs.every((out) => out.cache && !out.persist);
}

export function toLockPath(
  relPath: string,
  hashed: {md5: string; size: number; nfiles?: number},
): LockPath {
  return hashed.nfiles === undefined
    ? {path: relPath, md5: hashed.md5, size: hashed.size}
    : {path: relPath, md5: hashed.md5, size: hashed.size, nfiles: hashed.nfiles};
}

function explainChange(stage: StagePlan, entry: LockStage, deps: readonly LockPath[]): Reason[] {
  const reasons: Reason[] = [];
  const command = stage.command;
  if (command.type === 'cmd') {
    if (!('cmd' in entry.kind) || canonicalJson(entry.kind.cmd) !== canonicalJson(command.cmd)) {
      reasons.push({kind: 'command-changed'});
    }
  } else if (!('plugin' in entry.kind) || entry.kind.plugin !== command.plugin.name) {
    reasons.push({kind: 'command-changed'});
  } else if (entry.kind.version !== command.plugin.version) {
    reasons.push({
      kind: 'plugin-changed',
      detail: `version ${entry.kind.version} -> ${command.plugin.version}`,
    });
  } else if (entry.kind.codeHash !== command.plugin.codeHash) {
    reasons.push({kind: 'plugin-changed', detail: 'code changed'});
  }
  if (
    command.type === 'plugin' &&
    canonicalJson(entry.with ?? {}) !== canonicalJson(command.with)
  ) {
    for (const key of changedKeys(entry.with ?? {}, command.with)) {
      reasons.push({kind: 'param-changed', key: `with.${key}`, file: 'pipeline.yaml'});
    }
  }

  const before = new Map(entry.deps.map((d) => [d.path, d.md5]));
  for (const dep of deps) {
    const old = before.get(dep.path);
    if (old === undefined) reasons.push({kind: 'dep-changed', path: dep.path, change: 'new'});
    else if (old !== dep.md5)
      reasons.push({kind: 'dep-changed', path: dep.path, change: 'modified'});
    before.delete(dep.path);
  }
  for (const gone of before.keys())
    reasons.push({kind: 'dep-changed', path: gone, change: 'deleted'});

  for (const param of stage.params) {
    const old = entry.params?.[param.file]?.[param.key];
    if (canonicalJson(old ?? null) !== canonicalJson(param.value ?? null)) {
      reasons.push({kind: 'param-changed', key: param.key, file: param.file});
    }
  }
  const declared = stage.outs.map((o) => o.path).sort();
  const recorded = entry.outs.map((o) => o.path).sort();
  if (canonicalJson(declared) !== canonicalJson(recorded)) reasons.push({kind: 'outs-changed'});
  // A difference the checks above cannot name (e.g. a param removed from the list, or wdir).
  if (reasons.length === 0) reasons.push({kind: 'command-changed'});
  return reasons;
}

function changedKeys(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null))
    .sort();
}

async function changedOuts(
  stage: StagePlan,
  entry: LockStage | undefined,
  state: WorkspaceState,
): Promise<Reason[]> {
  const recorded = new Map(entry?.outs.map((o) => [o.path, o.md5]));
  const reasons: Reason[] = [];
  for (const out of stage.outs) {
    const hashed = await hashPath(path.join(state.root, out.path), state.statCache, state.objects);
    if (!hashed) reasons.push({kind: 'out-changed', path: out.path, change: 'deleted'});
    else if (hashed.md5 !== recorded.get(out.path)) {
      reasons.push({kind: 'out-changed', path: out.path, change: 'modified'});
    }
  }
  return reasons;
}

async function allObjectsPresent(record: RunRecord, state: WorkspaceState): Promise<boolean> {
  for (const out of record.outs) {
    if (!(await state.objects.has(out.md5))) return false;
  }
  return true;
}
