import {existsSync, unwatchFile, watchFile, type Stats} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import type {LoadedModel, ModelSource} from './loaded-model.js';
import {loadModelFiles} from './load-model-files.js';

/** Options of {@link fileModelSource}. */
export interface FileModelSourceOptions {
  /**
   * The recommendations table. Undefined: the first that exists of `recommendations.parquet` or
   * `.json` beside model.json (a registry bundle), then `../data/processed/recommendations.parquet`
   * (the project layout, models/model.json). Null: serve without recommendations.
   */
  readonly recommendations?: string | null;
  /** How often to stat the files; default 1000 ms. */
  readonly pollMs?: number;
}

/**
 * A model.json on disk, reloaded when it (or its recommendations) changes. Changes are seen by
 * stat polling rather than fs.watch, because writers replace files by rename, which fs.watch on
 * the old inode never reports.
 */
export function fileModelSource(
  modelPath: string,
  options: FileModelSourceOptions = {},
): ModelSource {
  const absolute = resolve(modelPath);
  const candidates =
    options.recommendations === null
      ? []
      : options.recommendations !== undefined
        ? [resolve(options.recommendations)]
        : defaultRecommendationPaths(absolute);
  return {
    description: absolute,
    load: (): Promise<LoadedModel> =>
      loadModelFiles(
        {
          modelPath: absolute,
          recommendationsPath:
            options.recommendations == null ? candidates.find((p) => existsSync(p)) : candidates[0],
        },
        absolute,
      ),
    watch(onChange) {
      const listener = (curr: Stats, prev: Stats): void => {
        if (curr.mtimeMs !== prev.mtimeMs || curr.ino !== prev.ino || curr.size !== prev.size) {
          onChange();
        }
      };
      const paths = [absolute, ...candidates];
      for (const path of paths) {
        watchFile(path, {interval: options.pollMs ?? 1000, persistent: false}, listener);
      }
      return () => {
        for (const path of paths) unwatchFile(path, listener);
      };
    },
  };
}

function defaultRecommendationPaths(modelPath: string): string[] {
  const dir = dirname(modelPath);
  return [
    join(dir, 'recommendations.parquet'),
    join(dir, 'recommendations.json'),
    join(dir, '..', 'data', 'processed', 'recommendations.parquet'),
  ];
}
