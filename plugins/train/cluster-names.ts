/** How a strong deviation of one feature reads, as an adjective and as a noun phrase. */
interface Words {
  readonly adjective: string;
  readonly noun: string;
}

/** Features that say the same thing; a name uses at most one of each. */
const THEME: Readonly<Record<string, string>> = {
  Days_Since_Last_Purchase: 'recency',
  Total_Transactions: 'frequency',
  Average_Days_Between_Purchases: 'frequency',
  Total_Products_Purchased: 'volume',
  Unique_Products_Purchased: 'variety',
  Total_Spend: 'spend',
  Average_Transaction_Value: 'basket',
  Monthly_Spending_Mean: 'spend',
  Monthly_Spending_Std: 'regularity',
  Spending_Trend: 'trend',
  Day_Of_Week: 'timing',
  Hour: 'timing',
  Is_UK: 'geography',
  Cancellation_Frequency: 'cancellations',
  Cancellation_Rate: 'cancellations',
};

const VOCABULARY: Readonly<Record<string, {high: Words; low: Words}>> = {
  Days_Since_Last_Purchase: {
    high: {adjective: 'lapsed', noun: 'lapsed customers'},
    low: {adjective: 'recent', noun: 'recent customers'},
  },
  Total_Transactions: {
    high: {adjective: 'frequent', noun: 'frequent buyers'},
    low: {adjective: 'occasional', noun: 'occasional buyers'},
  },
  Total_Products_Purchased: {
    high: {adjective: 'bulk', noun: 'bulk buyers'},
    low: {adjective: 'light', noun: 'light buyers'},
  },
  Total_Spend: {
    high: {adjective: 'high-spending', noun: 'high spenders'},
    low: {adjective: 'low-spending', noun: 'low spenders'},
  },
  Average_Transaction_Value: {
    high: {adjective: 'big-basket', noun: 'big-basket buyers'},
    low: {adjective: 'small-basket', noun: 'small-basket buyers'},
  },
  Unique_Products_Purchased: {
    high: {adjective: 'varied', noun: 'explorers'},
    low: {adjective: 'focused', noun: 'loyalists'},
  },
  Average_Days_Between_Purchases: {
    high: {adjective: 'slow-returning', noun: 'slow returners'},
    low: {adjective: 'quick-returning', noun: 'quick returners'},
  },
  Day_Of_Week: {
    high: {adjective: 'late-week', noun: 'late-week shoppers'},
    low: {adjective: 'early-week', noun: 'early-week shoppers'},
  },
  Hour: {
    high: {adjective: 'afternoon', noun: 'afternoon shoppers'},
    low: {adjective: 'morning', noun: 'morning shoppers'},
  },
  Is_UK: {
    high: {adjective: 'domestic', noun: 'domestic customers'},
    low: {adjective: 'international', noun: 'international customers'},
  },
  Cancellation_Frequency: {
    high: {adjective: 'cancelling', noun: 'frequent cancellers'},
    low: {adjective: 'steady', noun: 'steady buyers'},
  },
  Cancellation_Rate: {
    high: {adjective: 'cancel-prone', noun: 'cancellers'},
    low: {adjective: 'reliable', noun: 'reliable buyers'},
  },
  Monthly_Spending_Mean: {
    high: {adjective: 'high-monthly', noun: 'big monthly spenders'},
    low: {adjective: 'low-monthly', noun: 'small monthly spenders'},
  },
  Monthly_Spending_Std: {
    high: {adjective: 'irregular', noun: 'irregular spenders'},
    low: {adjective: 'regular', noun: 'regular spenders'},
  },
  Spending_Trend: {
    high: {adjective: 'growing', noun: 'growing spenders'},
    low: {adjective: 'declining', noun: 'declining spenders'},
  },
};

function words(feature: string, high: boolean): Words {
  const entry = VOCABULARY[feature];
  if (entry) return high ? entry.high : entry.low;
  const label = `${high ? 'high' : 'low'} ${feature.replaceAll('_', ' ').toLowerCase()}`;
  return {adjective: label, noun: `${label} customers`};
}

/**
 * Short names from each cluster's strongest deviations from the overall mean, in overall standard
 * deviations: "<adjective of the 2nd> <noun of the strongest>", e.g. "recent high spenders". The
 * strongest deviation is the largest |z|; ties go to the earlier feature; features of a theme
 * already used (spend, cancellations...) are skipped. A name already taken by a larger cluster
 * gets the next deviation's adjective in front, then a number.
 */
export function nameClusters(
  features: readonly string[],
  clusterMeans: readonly (readonly number[])[],
  overallMean: readonly number[],
  overallStd: readonly number[],
): string[] {
  const taken = new Set<string>();
  return clusterMeans.map((means) => {
    const ranked = features
      .map((feature, j) => {
        const s = overallStd[j] as number;
        const z = s > 0 ? ((means[j] as number) - (overallMean[j] as number)) / s : 0;
        return {feature, z, j};
      })
      .filter((d) => d.z !== 0)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.j - b.j)
      .filter((d, i, all) => {
        const theme = THEME[d.feature] ?? d.feature;
        return all.findIndex((e) => (THEME[e.feature] ?? e.feature) === theme) === i;
      });
    const first = ranked[0];
    if (!first) return unique('typical customers', taken);
    const parts = [words(first.feature, first.z > 0).noun];
    let next = 1;
    const addAdjective = (): void => {
      const d = ranked[next++];
      if (d) parts.unshift(words(d.feature, d.z > 0).adjective);
    };
    addAdjective();
    while (taken.has(parts.join(' ')) && next < ranked.length) addAdjective();
    return unique(parts.join(' '), taken);
  });
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name} ${i}`;
  taken.add(candidate);
  return candidate;
}
