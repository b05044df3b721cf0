import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {parseModel, type SegmentationModel} from '../../runner/src/model/index.js';

/** Paths of the committed serving fixture (see test/fixtures/models/make-model-fixture.py). */
export const fixtureModelPath = fileURLToPath(
  new URL('../fixtures/models/model.json', import.meta.url),
);
export const fixtureRecommendationsPath = fileURLToPath(
  new URL('../fixtures/models/recommendations.parquet', import.meta.url),
);

/** One training row as scikit-learn saw it, with the labels it gave. */
export interface TrainingRow {
  readonly CustomerID: number;
  readonly features: Record<string, number>;
  readonly cluster: number;
  readonly distance: number;
  readonly isOutlier: boolean;
  readonly isolationScore: number;
  readonly components: number[];
}

export const fixtureModelText = readFileSync(fixtureModelPath, 'utf8');
export const fixtureModel: SegmentationModel = parseModel(fixtureModelText, fixtureModelPath);
export const trainingRows: readonly TrainingRow[] = JSON.parse(
  readFileSync(new URL('../fixtures/models/training-rows.json', import.meta.url), 'utf8'),
) as TrainingRow[];
