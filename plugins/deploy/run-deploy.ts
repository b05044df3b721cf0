import {execFile} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import {promisify} from 'node:util';
import type {StageContext} from '../../runner/src/plugin-api/index.js';
import {
  checkGates,
  openRegistry,
  promoteModel,
  publishModel,
  readAlias,
  type GateReport,
} from '../../runner/src/registry/index.js';
import type {DeployParams} from './params.js';

/** reports/deploy.json (keys sorted). */
export interface DeployReport {
  readonly alias: string;
  /** True when this run pointed the alias at `version`. */
  readonly aliasMoved: boolean;
  /** The version the alias points at after this run (unchanged when the gates failed). */
  readonly aliasVersion: string | null;
  readonly gates: GateReport;
  readonly name: string;
  /** False when this version was already in the registry. */
  readonly published: boolean;
  /** Why the alias moved or not, in one sentence. */
  readonly reason: string;
  readonly registry: string;
  readonly version: string;
}

async function gitCommit(root: string): Promise<string | undefined> {
  try {
    const {stdout} = await promisify(execFile)('git', ['rev-parse', 'HEAD'], {cwd: root});
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

function sortedJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
    2,
  );
}

/**
 * Publishes the bundle (idempotent: the version is model.json's md5) and moves the alias only when
 * metrics.json passes the gates. A failing gate is a result, not an error: the report says so.
 */
export async function runDeploy(ctx: StageContext<DeployParams>): Promise<void> {
  const [model, metrics, recommendations] = ctx.deps;
  const reportPath = ctx.metrics[0] ?? ctx.outs[0];
  if (!model || !metrics || !recommendations || !reportPath) {
    throw new Error(
      'deploy needs deps [model.json, metrics.json, recommendations.parquet] and one metrics (or outs) path for reports/deploy.json.',
    );
  }
  const {remote: url, name, alias, gates} = ctx.params;
  const registry = openRegistry(url, ctx.root);
  const commit = await gitCommit(ctx.root);
  const published = await publishModel(registry, {
    name,
    files: {
      'model.json': model,
      'metrics.json': metrics,
      'recommendations.parquet': recommendations,
    },
    ...(commit ? {gitCommit: commit} : {}),
  });
  if (!published.ok)
    throw new Error(`Publishing ${name} to ${registry.url} failed: ${published.error.message}`);
  const {version} = published.value;
  ctx.log.info(published.value.published ? 'published' : 'already published', {
    version,
    registry: registry.url,
  });

  const report = checkGates(JSON.parse(await readFile(metrics, 'utf8')) as unknown, gates);
  let aliasMoved = false;
  let aliasVersion: string | null;
  let reason: string;
  if (!report.passed) {
    aliasVersion = (await readAlias(registry, name, alias))?.version ?? null;
    reason = `gates failed: ${report.checks
      .filter((c) => !c.passed)
      .map((c) => c.message)
      .join('; ')}`;
  } else {
    const promoted = await promoteModel(registry, {name, version, alias, gates});
    if (!promoted.ok)
      throw new Error(`Promoting ${name} ${version} to ${alias} failed: ${promoted.error.message}`);
    aliasMoved = promoted.value.moved;
    aliasVersion = version;
    reason = promoted.value.moved
      ? `gates passed; ${alias} moved from ${promoted.value.previous ?? 'nothing'} to ${version}`
      : `gates passed; ${alias} already points at ${version}`;
  }
  ctx.log.info(reason, {alias, version});
  const result: DeployReport = {
    alias,
    aliasMoved,
    aliasVersion,
    gates: report,
    name,
    published: published.value.published,
    reason,
    registry: registry.url,
    version,
  };
  // The runner moves outs into place only when the stage succeeds.
  await writeFile(reportPath, `${sortedJson(result)}\n`);
}
