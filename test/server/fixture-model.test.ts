import {describe, expect, it} from 'vitest';
import {isolationScore, score} from '../../runner/src/model/index.js';
import {fixtureModel, trainingRows} from './fixture.js';

describe('serving fixture model', () => {
  it('is a valid model.json with 15 features and 3 clusters', () => {
    expect(fixtureModel.features).toHaveLength(15);
    expect(fixtureModel.kmeans.centroids).toHaveLength(3);
    expect(trainingRows).toHaveLength(fixtureModel.training.rows);
  });

  it("reproduces scikit-learn's clusters, distances, outlier flags and scores for every row", () => {
    const mismatches: string[] = [];
    for (const row of trainingRows) {
      const p = score(fixtureModel, row.features);
      if (p.cluster !== row.cluster) mismatches.push(`${row.CustomerID} cluster ${p.cluster}`);
      if (p.isOutlier !== row.isOutlier)
        mismatches.push(`${row.CustomerID} outlier ${p.isOutlier}`);
      expect(p.distance).toBeCloseTo(row.distance, 9);
      const order = fixtureModel.features.map((f) => row.features[f] as number);
      expect(isolationScore(fixtureModel, order)).toBeCloseTo(row.isolationScore, 12);
    }
    expect(mismatches).toEqual([]);
  });
});
