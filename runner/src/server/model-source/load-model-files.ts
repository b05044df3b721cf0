import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {compileModel} from '../../model/compile.js';
import {parseModel} from '../../model/index.js';
import type {LoadedModel} from './loaded-model.js';
import {readRecommendations} from './recommendations.js';

/** Files of one model bundle on local disk. */
export interface ModelFiles {
  readonly modelPath: string;
  /** Undefined: serve without recommendations. */
  readonly recommendationsPath: string | undefined;
}

/**
 * Reads and validates a model bundle. Throws (ModelFormatError, or an Error naming the file) when
 * anything is wrong, so a broken new model is refused before it can replace a good one.
 */
export async function loadModelFiles(files: ModelFiles, source: string): Promise<LoadedModel> {
  const bytes = await readFile(files.modelPath);
  const model = parseModel(bytes.toString('utf8'), files.modelPath);
  // Compiled here, off the request path: the first request after a (re)load finds it ready.
  compileModel(model);
  const recommendations =
    files.recommendationsPath === undefined
      ? undefined
      : await readRecommendations(files.recommendationsPath);
  return {
    model,
    version: createHash('md5').update(bytes).digest('hex'),
    dataHash: model.training.dataHash,
    source,
    loadedAt: new Date(),
    recommendations,
  };
}
