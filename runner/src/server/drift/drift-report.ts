import type {SegmentationModel} from '../../model/index.js';
import {binValues, psi, verdictOf, type DriftVerdict} from './psi.js';
import type {RecentInputs} from './recent-inputs.js';

/** Fewer recent inputs than this give no verdict: PSI over a handful of values is noise. */
export const MIN_DRIFT_SAMPLES = 100;

/** Drift of one feature. */
export interface FeatureDrift {
  readonly psi: number;
  readonly verdict: DriftVerdict;
  readonly outOfRange: {readonly below: number; readonly above: number};
  /** Training and live shares per histogram bin. */
  readonly expected: readonly number[];
  readonly actual: readonly number[];
}

/** The body of GET /drift. */
export interface DriftReport {
  readonly model: string;
  readonly window: {readonly size: number; readonly capacity: number; readonly minSamples: number};
  /** The worst feature verdict, or `insufficient-data` below {@link MIN_DRIFT_SAMPLES} inputs. */
  readonly verdict: DriftVerdict | 'insufficient-data';
  readonly drifting: readonly string[];
  readonly watching: readonly string[];
  /** Per feature, in model order; empty with insufficient data. */
  readonly features: Readonly<Record<string, FeatureDrift>>;
}

const RANK: Record<DriftVerdict, number> = {stable: 0, watch: 1, drift: 2};

/** PSI of every feature of the recent raw inputs against the model's training histograms. */
export function driftReport(
  model: SegmentationModel,
  version: string,
  recent: RecentInputs,
): DriftReport {
  const window = {size: recent.size, capacity: recent.capacity, minSamples: MIN_DRIFT_SAMPLES};
  const base = {model: version, window};
  if (recent.size < MIN_DRIFT_SAMPLES) {
    return {...base, verdict: 'insufficient-data', drifting: [], watching: [], features: {}};
  }
  const features: Record<string, FeatureDrift> = {};
  let worst: DriftVerdict = 'stable';
  recent.features.forEach((name, i) => {
    const histogram = model.histograms[name];
    if (!histogram) return;
    const binned = binValues(recent.column(i), histogram);
    const value = psi(histogram.counts, binned.counts);
    const verdict = verdictOf(value);
    if (RANK[verdict] > RANK[worst]) worst = verdict;
    features[name] = {
      psi: value,
      verdict,
      outOfRange: {below: binned.below, above: binned.above},
      expected: shares(histogram.counts),
      actual: shares(binned.counts),
    };
  });
  const named = (v: DriftVerdict): string[] =>
    Object.entries(features)
      .filter(([, f]) => f.verdict === v)
      .map(([n]) => n);
  return {...base, verdict: worst, drifting: named('drift'), watching: named('watch'), features};
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}
