import {availableParallelism, totalmem} from 'node:os';
import {createWriteStream, type WriteStream} from 'node:fs';
import {lstat, mkdir, rm} from 'node:fs/promises';
import path from 'node:path';
import {PGraph} from 'p-graph';
import type {PipelinePlan, StagePlan} from '../analysis/plan.js';
import type {Reason, RunnerEvent, StageOutcome} from '../events/event.js';
import {hashPath} from '../hashing/hash-path.js';
import type {LockPath} from '../lock/lock-file.js';
import {assessStage, canRunCache, toLockPath, type Assessment} from './assess-stage.js';
import {lockEntryFor} from './lock-entry.js';
import {writeLockCached} from './lock-snapshot-cache.js';
import {commitOutput, OutGuard} from './out-guard.js';
import {PluginPool} from './plugin-pool.js';
import {pluginModules, pluginWidth} from './plugin-prewarm.js';
import {runCommands} from './run-cmd.js';
import {lockSnapshot, type WorkspaceState} from './workspace-state.js';

export interface ExecuteOptions {
  readonly plan: PipelinePlan;
  readonly state: WorkspaceState;
  /** Stages to look at, in topological order (see selectStages). */
  readonly stages: readonly string[];
  /** Stages to run whatever their state. */
  readonly forced: ReadonlySet<string>;
  readonly jobs: number;
  readonly keepGoing: boolean;
  /** Assess only: report what each stage would do, change nothing. */
  readonly dry: boolean;
  readonly useRunCache: boolean;
  /** Folder for this run's temp files (removed by the next run if this one dies). */
  readonly tmpDir: string;
  readonly signal: AbortSignal;
  readonly emit: (event: RunnerEvent) => void;
  /**
   * Shared by runs that execute at the same time over one cache (experiment variants): the
   * first to reach a fingerprint runs it, the others wait and restore it from the run-cache.
   */
  readonly coordinator?: FingerprintCoordinator;
  /** Limits commands and plugins running at once across such concurrent runs. */
  readonly slots?: Slots;
  /**
   * Plugin workers shared by such concurrent runs, so that variants reuse warm processes; the
   * caller closes it. Without it the run starts its own workers and stops them at its end.
   */
  readonly pool?: PluginPool;
  /**
   * `repro --pull`: brings a fingerprint's run record and objects from the remote into the local
   * cache; true when the remote had it. Tried before running any stage.
   */
  readonly pullRun?: (fingerprint: string) => Promise<boolean>;
  /**
   * Stages that may only be fresh or restored, never run: the upstream of a `--single-item
   * --pull` task, whose outputs the task needs but another task produces.
   */
  readonly restoreOnly?: ReadonlySet<string>;
  /** The runner's own diagnostics (`--log-level debug`). */
  readonly log?: {debug(data: object, message: string): void};
}

export interface FingerprintCoordinator {
  /** Resolves to a release function for the first caller, or to undefined once another caller that held it has released it. */
  acquire(fingerprint: string): Promise<(() => void) | undefined>;
}

export interface Slots {
  acquire(): Promise<() => void>;
  /** How many are held now, by every run sharing them. */
  held(): number;
}

export interface ExecuteSummary {
  readonly ok: boolean;
  readonly outcomes: ReadonlyMap<string, StageOutcome>;
  readonly interrupted: boolean;
}

/** How often the lock is written while a long run goes on; it is always written at the end. */
const LOCK_FLUSH_MS = 5000;

/**
 * Runs the selected stages in dependency order, `jobs` at a time. Each stage ends with exactly
 * one `stage` event. In the default failure mode a failure stops new stages from starting;
 * with `keepGoing` only the failed stage's dependents are skipped.
 */
export async function execute(options: ExecuteOptions): Promise<ExecuteSummary> {
  const run = new Run(options);
  return run.execute();
}

class Run {
  readonly #o: ExecuteOptions;
  readonly #outcomes = new Map<string, StageOutcome>();
  /** Stages whose outputs changed (or would change, in a dry run) in this run. */
  readonly #changed = new Set<string>();
  readonly #selected: ReadonlySet<string>;
  readonly #pool: PluginPool;
  #stopStarting = false;
  #prewarmed = false;
  #running = 0;
  #lockDirty = false;
  #lastLockWrite = Date.now();
  #lockWrite: Promise<void> = Promise.resolve();

  constructor(options: ExecuteOptions) {
    this.#o = options;
    this.#selected = new Set(options.stages);
    this.#pool = options.pool ?? new PluginPool();
  }

  async execute(): Promise<ExecuteSummary> {
    const {plan, stages, jobs, signal} = this.#o;
    const started = Date.now();
    this.#o.emit({type: 'run-start', time: started, stages, jobs});
    const nodes = new Map(stages.map((name) => [name, {run: () => this.#guarded(name)}]));
    const edges: [string, string][] = [];
    for (const name of stages) {
      for (const up of plan.stages.get(name)?.upstream ?? []) {
        if (this.#selected.has(up)) edges.push([up, name]);
      }
    }
    try {
      if (this.#o.dry) {
        // Assessing changes nothing and runs nothing: the topological order is all it needs,
        // without a scheduler's bookkeeping (a 1,000-stage status spends its time here).
        for (const name of stages) await this.#guarded(name);
      } else {
        await new PGraph(nodes, edges).run({concurrency: Math.max(1, jobs), continue: true});
      }
    } finally {
      if (!this.#o.pool) this.#pool.close();
    }
    if (!this.#o.dry) {
      await this.#lockWrite;
      await this.#flushLock();
    }
    // Also after status and dry runs: the hashes they computed spare the next command a read.
    await this.#o.state.statCache.save();
    const counts: Record<StageOutcome, number> = {
      fresh: 0,
      cached: 0,
      run: 0,
      failed: 0,
      skipped: 0,
    };
    for (const outcome of this.#outcomes.values()) counts[outcome]++;
    const ok = counts.failed === 0 && counts.skipped === 0;
    this.#o.emit({type: 'run-end', time: Date.now(), ok, counts, ms: Date.now() - started});
    return {ok, outcomes: this.#outcomes, interrupted: signal.aborted};
  }

  /** An unexpected exception fails its stage (reported as an internal error), not the run. */
  async #guarded(name: string): Promise<void> {
    const started = Date.now();
    try {
      await this.#stage(name);
    } catch (error) {
      if (this.#outcomes.has(name)) return;
      if (!this.#o.keepGoing) this.#stopStarting = true;
      this.#outcomes.set(name, 'failed');
      const message = error instanceof Error ? error.message : String(error);
      this.#o.emit({
        type: 'stage',
        time: Date.now(),
        stage: name,
        outcome: 'failed',
        reasons: [{kind: 'internal-error', message}],
        ms: Date.now() - started,
      });
    }
  }

  async #stage(name: string): Promise<void> {
    const stage = this.#o.plan.stages.get(name);
    if (!stage) throw new Error(`Internal error: stage ${name} is not in the plan`);
    const started = Date.now();
    const end = (outcome: StageOutcome, reasons: readonly Reason[], attempts?: number): void => {
      this.#outcomes.set(name, outcome);
      if (outcome === 'run' || outcome === 'cached') this.#changed.add(name);
      this.#o.emit({
        type: 'stage',
        time: Date.now(),
        stage: name,
        outcome,
        reasons,
        ms: Date.now() - started,
        ...(attempts !== undefined && attempts > 1 ? {attempts} : {}),
      });
    };

    const failedUpstream = stage.upstream.find((up) => {
      const o = this.#outcomes.get(up);
      return o === 'failed' || o === 'skipped';
    });
    if (failedUpstream !== undefined)
      return end('skipped', [{kind: 'upstream-failed', stage: failedUpstream}]);
    if (this.#stopStarting || this.#o.signal.aborted)
      return end('skipped', [{kind: 'run-stopped'}]);

    const assess = (): Promise<Assessment> =>
      assessStage(stage, this.#o.state, {
        forced: this.#o.forced.has(name),
        useRunCache: this.#o.useRunCache,
        changedUpstream: this.#o.dry ? stage.upstream.filter((up) => this.#changed.has(up)) : [],
      });
    let assessment = await assess();
    this.#o.log?.debug(
      {
        stage: name,
        outcome: assessment.outcome,
        fingerprint: assessment.fingerprint,
        reasons: assessment.reasons,
      },
      'assessed',
    );
    if (!this.#o.dry && this.#o.pullRun && assessment.outcome === 'run' && assessment.fingerprint) {
      if (await this.#o.pullRun(assessment.fingerprint)) assessment = await assess();
    }
    if (this.#o.restoreOnly?.has(name) && assessment.outcome === 'run' && !this.#o.dry) {
      return this.#fail(end, [
        {
          kind: 'unavailable',
          message: `${name} would have to run, but only its results were wanted: run it first (its results were not in the cache or the remote)`,
        },
      ]);
    }
    let release: (() => void) | undefined;
    const coordinator = this.#o.coordinator;
    if (!this.#o.dry && coordinator && assessment.outcome === 'run' && assessment.fingerprint) {
      release = await coordinator.acquire(assessment.fingerprint);
      // Another run computed this very fingerprint meanwhile: it is in the run-cache now.
      if (!release) assessment = await assess();
    }
    try {
      await this.#decide(stage, assessment, end);
    } finally {
      release?.();
    }
  }

  async #decide(
    stage: StagePlan,
    assessment: Assessment,
    end: (o: StageOutcome, r: readonly Reason[], attempts?: number) => void,
  ): Promise<void> {
    if (this.#o.dry) {
      // In a dry run, a stage downstream of a change would run even if it looks fresh now.
      const upstreamChanged = stage.upstream.filter((up) => this.#changed.has(up));
      if (assessment.outcome === 'fresh' && upstreamChanged.length > 0 && !stage.frozen) {
        return end(
          'run',
          upstreamChanged.map((up) => ({kind: 'upstream-changed', stage: up})),
        );
      }
      return end(assessment.outcome, assessment.reasons);
    }

    switch (assessment.outcome) {
      case 'fresh':
        return end('fresh', assessment.reasons);
      case 'cached': {
        const restored = await this.#restore(stage, assessment.record.outs);
        if (restored) {
          this.#record(stage, assessment.deps, assessment.record.outs, assessment.fingerprint);
          return end('cached', assessment.reasons);
        }
        // A cache object was missing or corrupt: fall back to running the stage.
        return this.#runWithRetries(
          stage,
          assessment.reasons,
          assessment.deps,
          assessment.fingerprint,
          end,
        );
      }
      case 'run':
        if (assessment.fingerprint === undefined) {
          return this.#fail(
            end,
            assessment.reasons.filter((r) => r.kind === 'dep-missing'),
          );
        }
        return this.#runWithRetries(
          stage,
          assessment.reasons,
          assessment.deps,
          assessment.fingerprint,
          end,
        );
    }
  }

  #fail(
    end: (o: StageOutcome, r: readonly Reason[], attempts?: number) => void,
    reasons: readonly Reason[],
    attempts?: number,
  ): void {
    if (!this.#o.keepGoing) this.#stopStarting = true;
    end('failed', reasons, attempts);
  }

  async #runWithRetries(
    stage: StagePlan,
    reasons: readonly Reason[],
    deps: readonly LockPath[],
    fingerprint: string,
    end: (o: StageOutcome, r: readonly Reason[], attempts?: number) => void,
  ): Promise<void> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const freeSlot = await this.#o.slots?.acquire();
      this.#o.emit({type: 'stage-start', time: Date.now(), stage: stage.name, attempt});
      const failure = await this.#runOnce(stage).finally(() => freeSlot?.());
      if (!failure) {
        const outs = await this.#saveOutputs(stage);
        if (!outs.ok) return this.#fail(end, [outs.reason], attempt);
        this.#record(stage, deps, outs.outs, fingerprint);
        // Only a stage whose every out is cached can be restored whole; an always-changed one
        // is never restored. Their runs are not recorded (as DVC's run-cache does).
        if (canRunCache(stage) && !stage.alwaysChanged) {
          await this.#o.state.runs.put({
            schema: 1,
            fingerprint,
            stage: stage.name,
            outs: outs.outs,
            createdAt: new Date().toISOString(),
          });
        }
        return end('run', reasons, attempt);
      }
      const retryable = failure.kind !== 'run-stopped' && !this.#o.signal.aborted;
      if (!retryable || attempt > stage.retries) return this.#fail(end, [failure], attempt);
      await sleep(backoffMs(attempt), this.#o.signal);
    }
  }

  async #runOnce(stage: StagePlan): Promise<Reason | undefined> {
    const signals = [this.#o.signal];
    const timeout =
      stage.timeoutMs === undefined ? undefined : AbortSignal.timeout(stage.timeoutMs);
    if (timeout) signals.push(timeout);
    const signal = AbortSignal.any(signals);
    const log = await this.#stageLog(stage.name);
    const onLine = (stream: 'stdout' | 'stderr' | 'log', line: string): void => {
      log.write(`${line}\n`);
      this.#o.emit({type: 'output', time: Date.now(), stage: stage.name, stream, line});
    };
    this.#running++;
    try {
      const failure =
        stage.command.type === 'cmd'
          ? await this.#runCmd(stage, stage.command.cmd, signal, onLine)
          : await this.#runPlugin(stage, signal, onLine);
      if (failure && timeout?.aborted && !this.#o.signal.aborted) {
        return {kind: 'timeout', ms: stage.timeoutMs ?? 0};
      }
      return failure;
    } finally {
      this.#running--;
      await log.close();
    }
  }

  async #runCmd(
    stage: StagePlan,
    commands: readonly string[],
    signal: AbortSignal,
    onLine: (stream: 'stdout' | 'stderr', line: string) => void,
  ): Promise<Reason | undefined> {
    const {root, stateRoot} = this.#o.state;
    const movable = stage.outs.filter((o) => !o.persist).map((o) => o.path);
    const guard = await OutGuard.moveAside(path.join(stateRoot, 'backup'), root, movable);
    const failure = await runCommands({
      commands,
      cwd: path.join(root, stage.wdir),
      stage: stage.name,
      signal,
      onLine,
    });
    if (failure) await guard.restore();
    else await guard.discard();
    return failure;
  }

  async #runPlugin(
    stage: StagePlan,
    signal: AbortSignal,
    onLine: (stream: 'stdout' | 'stderr' | 'log', line: string) => void,
  ): Promise<Reason | undefined> {
    if (stage.command.type !== 'plugin') throw new Error('Internal error: not a plugin stage');
    const {root} = this.#o.state;
    const scratch = path.join(this.#o.tmpDir, encodeURIComponent(stage.name));
    await rm(scratch, {recursive: true, force: true});
    const temps = stage.outs.map((out, i) =>
      path.join(scratch, 'outs', String(i), path.basename(out.path)),
    );
    await Promise.all(temps.map((t) => mkdir(path.dirname(t), {recursive: true})));
    await mkdir(path.join(scratch, 'tmp'), {recursive: true});
    const pick = (kind: 'out' | 'metric' | 'plot'): string[] =>
      stage.outs.flatMap((out, i) => (out.kind === kind ? [temps[i] ?? ''] : []));
    // The cores and half the memory, shared by the stages running now (in every run sharing
    // the slots).
    const running = Math.max(1, this.#o.slots?.held() ?? this.#running);
    const threads = Math.max(1, Math.floor(availableParallelism() / running));
    const memoryMb = totalmem() / 1048576 / 2 / running;
    if (!this.#prewarmed) {
      // The first plugin stage to run starts the workers its parallel successors will need,
      // while it works (a run where nothing is out of date starts none).
      this.#prewarmed = true;
      this.#pool.prewarm(
        Math.min(this.#o.jobs, pluginWidth(this.#o.plan, this.#selected)),
        pluginModules(this.#o.plan, this.#selected),
      );
    }
    const failure = await this.#pool.run(
      {
        stage: stage.name,
        modulePath: stage.command.plugin.modulePath,
        params: stage.command.with,
        root,
        deps: stage.deps.map((d) => path.join(root, d.path)),
        outs: pick('out'),
        metrics: pick('metric'),
        plots: pick('plot'),
        tmpdir: path.join(scratch, 'tmp'),
        threads,
        memoryMb,
      },
      {
        signal,
        onLog: (level, message) =>
          onLine('log', `${level === 'info' ? '' : `${level}: `}${message}`),
        onOutput: onLine,
        onProgress: (p) =>
          this.#o.emit({
            type: 'progress',
            time: Date.now(),
            stage: stage.name,
            label: p.label,
            done: p.done,
            total: p.total,
            unit: p.unit,
          }),
      },
    );
    if (!failure) {
      for (const [i, out] of stage.outs.entries()) {
        const temp = temps[i] ?? '';
        // Existence only: hashing here would read every output one more time.
        const produced = await lstat(temp).catch(() => undefined);
        if (!produced) {
          await rm(scratch, {recursive: true, force: true});
          return {kind: 'out-not-produced', path: out.path};
        }
      }
      for (const [i, out] of stage.outs.entries()) {
        await commitOutput(
          temps[i] ?? '',
          path.join(root, out.path),
          path.join(scratch, `commit-${i}`),
        );
      }
    }
    await rm(scratch, {recursive: true, force: true});
    return failure;
  }

  async #saveOutputs(
    stage: StagePlan,
  ): Promise<{ok: true; outs: LockPath[]} | {ok: false; reason: Reason}> {
    const {root, statCache, objects} = this.#o.state;
    const outs: LockPath[] = [];
    for (const out of stage.outs) {
      const abs = path.join(root, out.path);
      const hashed = await hashPath(abs, statCache, objects);
      if (!hashed) return {ok: false, reason: {kind: 'out-not-produced', path: out.path}};
      if (out.cache) await objects.save(abs, hashed);
      outs.push(toLockPath(out.path, hashed));
    }
    return {ok: true, outs};
  }

  async #restore(stage: StagePlan, outs: readonly LockPath[]): Promise<boolean> {
    const {root, statCache, objects} = this.#o.state;
    for (const out of outs) {
      const abs = path.join(root, out.path);
      const current = await hashPath(abs, statCache);
      if (current?.md5 === out.md5) continue;
      const restored = await objects.restore(
        abs,
        {md5: out.md5, isDir: out.md5.endsWith('.dir')},
        statCache,
      );
      if (!restored.ok) {
        this.#o.emit({
          type: 'output',
          time: Date.now(),
          stage: stage.name,
          stream: 'log',
          line: `cache object ${restored.error.md5} for ${out.path} is ${restored.error.reason === 'missing-object' ? 'missing' : 'corrupt'}; running the stage instead`,
        });
        return false;
      }
    }
    return true;
  }

  #record(
    stage: StagePlan,
    deps: readonly LockPath[],
    outs: readonly LockPath[],
    fingerprint: string,
  ): void {
    this.#o.state.lock.set(stage.name, lockEntryFor(stage, deps, outs, fingerprint));
    this.#lockDirty = true;
    if (Date.now() - this.#lastLockWrite > LOCK_FLUSH_MS) {
      this.#lastLockWrite = Date.now();
      this.#lockWrite = this.#lockWrite.then(() => this.#flushLock());
    }
  }

  #logsDir: Promise<string> | undefined;

  /**
   * The stage's log, .runner/logs/<stage>.log, replaced on each run. Opened on the first line:
   * most stages of a large pipeline print nothing, and two syscalls per stage add up.
   */
  async #stageLog(stage: string): Promise<{write(text: string): void; close(): Promise<void>}> {
    this.#logsDir ??= (async () => {
      const dir = path.join(this.#o.state.stateRoot, 'logs');
      await mkdir(dir, {recursive: true});
      return dir;
    })();
    const file = path.join(await this.#logsDir, `${encodeURIComponent(stage)}.log`);
    let stream: WriteStream | undefined;
    return {
      write(text) {
        stream ??= createWriteStream(file);
        stream.write(text);
      },
      async close() {
        if (stream) await new Promise((resolve) => stream?.end(resolve));
        else await rm(file, {force: true});
      },
    };
  }

  async #flushLock(): Promise<void> {
    if (!this.#lockDirty) return;
    this.#lockDirty = false;
    const names = new Set(this.#o.plan.stages.keys());
    const {lockFile, stateRoot} = this.#o.state;
    await writeLockCached(
      lockFile,
      path.join(stateRoot, 'state'),
      lockSnapshot(this.#o.state, names),
    );
  }
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s... capped at 30 s. */
function backoffMs(attempt: number): number {
  const cap = Math.min(30_000, 1000 * 2 ** (attempt - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      {once: true},
    );
  });
}
