import {mkdirSync, readFileSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {writeFileAtomic} from '../cache/atomic-write.js';
import {runnerPackage} from '../config/package-root.js';
import type {Diagnostic} from '../diagnostics/diagnostic.js';
import type {Result} from '../util/result.js';
import {AnalysisInputs, recheckInput, type AnalysisInput} from './analysis-inputs.js';
import type {AnalyzeEnvironment, AnalyzeOptions} from './analyze.js';
import {decodePlan, encodePlan} from './plan-codec.js';
import type {PipelinePlan} from './plan.js';
import {hashPluginFiles} from './plugins/code-hash.js';

/** Bump when the cache file's layout or the plan's shape changes. */
const CACHE_FORMAT = 1;

/** Where the analysed plan of a pipeline file is kept: `<root>/.runner/state/plan.json`. */
export function planCacheFile(pipelineFile: string): string {
  return path.join(path.dirname(path.resolve(pipelineFile)), '.runner', 'state', 'plan.json');
}

/** What a plan depends on besides the files it read. */
interface PlanCacheHeader {
  readonly format: number;
  readonly runner: string;
  /** Sizes and mtimes of the analyzer's own compiled files, so a rebuilt runner misses. */
  readonly code: string;
  readonly builtinDir: string;
  readonly file: string;
  readonly set: readonly string[];
  readonly pipelineFormat: string | null;
}

interface PlanCacheRecord {
  readonly header: PlanCacheHeader;
  readonly inputs: readonly AnalysisInput[];
  readonly plan: unknown;
}

/**
 * {@link analyzePipeline} through a cache: while the pipeline file, every params and vars file,
 * each plugin's code and every dep path checked on disk read as they did, the stored plan is
 * returned without loading the YAML parser, the analyzer or ajv. A miss analyses as usual and
 * stores a successful plan; diagnostics are never stored.
 */
export async function analyzePipelineCached(
  options: AnalyzeOptions,
  hooks: {
    /** Called on a miss, before the analysis starts (work that may overlap the analysis). */
    readonly onMiss?: () => void;
  } = {},
): Promise<Result<PipelinePlan, readonly Diagnostic[]>> {
  const file = path.resolve(options.file);
  const header = cacheHeader(file, options);
  const cacheFile = planCacheFile(file);
  const cached = readCachedPlan(cacheFile, header);
  if (cached) {
    // Plugin files re-hashed because their stamp moved: store the new stamps.
    if (cached.restamped) await writeCachedPlan(cacheFile, header, cached.inputs, cached.plan);
    return {ok: true, value: cached.plan};
  }

  hooks.onMiss?.();
  const {analyzePipelineIn} = await import('./analyze.js');
  const inputs = new AnalysisInputs();
  const environment: AnalyzeEnvironment = {
    plugins: {builtinDir: header.builtinDir, runnerVersion: header.runner},
    cacheValidators: true,
    inputs,
  };
  const result = await analyzePipelineIn({...options, file}, environment);
  if (result.ok) await writeCachedPlan(cacheFile, header, inputs.list(), result.value);
  return result;
}

/** A still-valid cached plan, and its inputs (`restamped` when a plugin stamp was refreshed). */
export interface CachedPlan {
  readonly plan: PipelinePlan;
  readonly inputs: readonly AnalysisInput[];
  readonly restamped: boolean;
}

/** The cached plan when it is present, readable, of this header and still valid; else undefined. */
export function readCachedPlan(cacheFile: string, header: PlanCacheHeader): CachedPlan | undefined {
  try {
    const record = JSON.parse(readFileSync(cacheFile, 'utf8')) as PlanCacheRecord;
    if (JSON.stringify(record.header) !== JSON.stringify(header)) return undefined;
    if (!Array.isArray(record.inputs)) return undefined;
    const inputs: AnalysisInput[] = [];
    let restamped = false;
    for (const input of record.inputs) {
      const checked = recheckInput(input, hashPluginFiles);
      if (!checked) return undefined;
      if (checked !== input) restamped = true;
      inputs.push(checked);
    }
    return {plan: decodePlan(record.plan), inputs, restamped};
  } catch {
    // Missing, corrupt or written by another version: analyse instead.
    return undefined;
  }
}

async function writeCachedPlan(
  cacheFile: string,
  header: PlanCacheHeader,
  inputs: readonly AnalysisInput[],
  plan: PipelinePlan,
): Promise<void> {
  try {
    const record: PlanCacheRecord = {header, inputs, plan: encodePlan(plan)};
    mkdirSync(path.dirname(cacheFile), {recursive: true});
    await writeFileAtomic(cacheFile, JSON.stringify(record));
  } catch {
    // Only a cache (or a plan value with no JSON form): the next command analyses again.
  }
}

/** Everything besides the recorded inputs that the plan of `file` depends on. */
export function cacheHeader(file: string, options: AnalyzeOptions): PlanCacheHeader {
  const pkg = runnerPackage();
  return {
    format: CACHE_FORMAT,
    runner: pkg.version,
    code: analyzerCodeStamp(),
    builtinDir: path.join(pkg.root, 'dist', 'plugins'),
    file,
    set: [...(options.set ?? [])],
    pipelineFormat: options.format ?? null,
  };
}

let codeStamp: string | undefined;

/**
 * The analyzer's own files (sizes and mtimes): a rebuilt runner of the same version may analyse
 * differently. About forty stat calls, far cheaper than parsing.
 */
function analyzerCodeStamp(): string {
  if (codeStamp !== undefined) return codeStamp;
  const analysis = path.dirname(fileURLToPath(import.meta.url));
  const src = path.dirname(analysis);
  const parts: string[] = [];
  for (const dir of [
    analysis,
    path.join(analysis, 'plugins'),
    path.join(src, 'config'),
    path.join(src, 'schema'),
  ]) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.includes('.test.')) continue;
      try {
        const stat = statSync(path.join(dir, name));
        if (stat.isFile()) parts.push(`${dir}/${name}:${stat.size}:${stat.mtimeMs}`);
      } catch {
        // Vanished while listing: leave it out.
      }
    }
  }
  codeStamp = parts.join('\n');
  return codeStamp;
}
