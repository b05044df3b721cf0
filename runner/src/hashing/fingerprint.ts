import {createHash} from 'node:crypto';
import type {StagePlan} from '../analysis/plan.js';
import {canonicalJson} from './canonical-json.js';
import {compareCodeUnits} from './dir-manifest.js';

/** Bumped when the recipe below changes, so old run-cache records stop matching. */
const FINGERPRINT_VERSION = 1;

/**
 * sha256 (hex) of the canonical JSON of everything that determines a stage's outputs: its kind
 * (plugin name, version and code hash, or the interpolated cmd list), wdir, tracked param values,
 * resolved `with:`, deps with their hashes (sorted by path) and declared outs (path, kind, cache).
 * Nothing about the machine or the absolute root, so any machine computes the same value.
 */
export function stageFingerprint(
  stage: StagePlan,
  deps: readonly {path: string; md5: string}[],
): string {
  const command = stage.command;
  const kind =
    command.type === 'cmd'
      ? {cmd: command.cmd}
      : {
          plugin: command.plugin.name,
          version: command.plugin.version,
          codeHash: command.plugin.codeHash,
        };
  const params = [...stage.params]
    .sort((a, b) => compareCodeUnits(a.file, b.file) || compareCodeUnits(a.key, b.key))
    .map(({file, key, value}) => ({file, key, value: value ?? null}));
  const body = {
    v: FINGERPRINT_VERSION,
    kind,
    wdir: stage.wdir,
    params,
    with: command.type === 'plugin' ? command.with : null,
    deps: [...deps]
      .sort((a, b) => compareCodeUnits(a.path, b.path))
      .map(({path, md5}) => ({path, md5})),
    outs: [...stage.outs]
      .sort((a, b) => compareCodeUnits(a.path, b.path))
      .map(({path, kind: outKind, cache}) => ({path, kind: outKind, cache})),
  };
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}
