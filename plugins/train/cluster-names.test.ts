import {describe, expect, it} from 'vitest';
import {nameClusters} from './cluster-names.js';

const features = ['Days_Since_Last_Purchase', 'Total_Spend', 'Monthly_Spending_Mean', 'Is_UK'];
const overallMean = [100, 1000, 200, 0.9];
const overallStd = [50, 500, 100, 0.3];

describe('cluster names', () => {
  it('reads "<adjective of the 2nd deviation> <noun of the strongest>"', () => {
    // Spend +3 sd, recency -1.6 sd (recent), monthly spend +2.5 sd (same theme as spend: skipped).
    const names = nameClusters(features, [[20, 2500, 450, 0.9]], overallMean, overallStd);
    expect(names).toEqual(['recent high spenders']);
  });

  it('uses low-side words and keeps names unique', () => {
    const names = nameClusters(
      features,
      [
        [250, 400, 150, 0.3],
        [250, 400, 150, 0.3],
      ],
      overallMean,
      overallStd,
    );
    // Recency +3 sd (lapsed), UK -2 sd (international), spend -1.2 sd (low-spending).
    expect(names[0]).toBe('international lapsed customers');
    expect(names[1]).toBe('low-spending international lapsed customers');
  });

  it('calls a cluster at the overall mean typical', () => {
    expect(nameClusters(features, [overallMean], overallMean, overallStd)).toEqual([
      'typical customers',
    ]);
  });
});
