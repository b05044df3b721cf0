import {nearestCentroid, squaredDistance} from '../kernels.js';
import {
  distanceKernel,
  distancesToKernel,
  nearestRowsKernel,
  type NearestRowsKernel,
} from './distance-kernel.js';
import {columnVariances, type Matrix} from './matrix.js';
import {Random} from './random.js';

/** k-means settings, in scikit-learn's meaning. */
export interface KMeansOptions {
  readonly k: number;
  readonly nInit: number;
  readonly maxIter: number;
  /** Relative: the run stops when the summed squared centre shift <= tol x mean column variance. */
  readonly tol: number;
  readonly seed: number;
}

export interface KMeansFit {
  /** Flat, k rows of `cols`. */
  readonly centroids: Float64Array;
  /** For every row, the index of its nearest centroid (via the shared `nearestCentroid`). */
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
}

/**
 * k-means as scikit-learn's `KMeans(init='k-means++', algorithm='lloyd')`: greedy k-means++
 * seeding with 2 + floor(ln k) local trials, Lloyd iterations until the labels stop changing or
 * the centre shift falls under the tolerance, a final assignment step so that labels are exactly
 * the nearest centroids, and the best (lowest inertia, first on ties) of `nInit` seeded runs.
 */
export function fitKMeans(x: Matrix, options: KMeansOptions): KMeansFit {
  const tolerance = kMeansTolerance(x, options);
  return bestOfRuns(runSeeds(options).map((seed) => fitKMeansRun(x, options, seed, tolerance)));
}

/** The absolute tolerance of `options.tol`: relative to the mean column variance of `x`. */
export function kMeansTolerance(x: Matrix, options: KMeansOptions): number {
  let meanVariance = 0;
  for (const v of columnVariances(x)) meanVariance += v;
  return (meanVariance / x.cols) * options.tol;
}

/** The seeds of the `nInit` runs, all drawn from `options.seed`. */
export function runSeeds(options: KMeansOptions): number[] {
  const master = new Random(options.seed);
  return Array.from({length: options.nInit}, () => master.uint32());
}

/** One seeded run: k-means++ seeding, then Lloyd's iterations (`tolerance` from kMeansTolerance). */
export function fitKMeansRun(
  x: Matrix,
  options: KMeansOptions,
  seed: number,
  tolerance: number,
): KMeansFit {
  const {k} = options;
  if (!Number.isInteger(k) || k < 1 || k > x.rows) {
    throw new RangeError(`k must be an integer in [1, ${x.rows}] (rows), got ${k}.`);
  }
  return lloyd(x, kMeansPlusPlus(x, k, new Random(seed)), options.maxIter, tolerance);
}

/** The run with the lowest inertia, the first one on ties (runs in seed order). */
export function bestOfRuns(runs: readonly KMeansFit[]): KMeansFit {
  let best: KMeansFit | undefined;
  for (const run of runs) if (!best || run.inertia < best.inertia) best = run;
  if (!best) throw new RangeError('k-means needs nInit >= 1.');
  return best;
}

/** scikit-learn's greedy k-means++ (`_kmeans_plusplus`) with uniform sample weights. */
export function kMeansPlusPlus(x: Matrix, k: number, rng: Random): Float64Array {
  const {rows: n, cols: d, data} = x;
  const centers = new Float64Array(k * d);
  const distancesTo = distancesToKernel(d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  distancesTo(data, n, centers, 0, closest);
  let potential = 0;
  for (let i = 0; i < n; i++) potential += closest[i] as number;
  const cumulative = new Float64Array(n);
  let candidate = new Float64Array(n);
  let bestCandidate = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += closest[i] as number;
      cumulative[i] = running;
    }
    let bestPotential = Infinity;
    let bestId = -1;
    for (let t = 0; t < trials; t++) {
      const id = Math.min(searchLeft(cumulative, rng.float() * potential), n - 1);
      distancesTo(data, n, data, id * d, candidate);
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const dist = Math.min(closest[i] as number, candidate[i] as number);
        candidate[i] = dist;
        pot += dist;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        bestId = id;
        [bestCandidate, candidate] = [candidate, bestCandidate];
      }
    }
    potential = bestPotential;
    [closest, bestCandidate] = [bestCandidate, closest];
    centers.set(data.subarray(bestId * d, bestId * d + d), c * d);
  }
  return centers;
}

/** numpy.searchsorted(sorted, value, side='left'): the first index with sorted[i] >= value. */
function searchLeft(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Lloyd's iterations with Hamerly's bounds: a point whose upper bound to its centre is below both
 * its lower bound to any other centre and half the distance from its centre to the nearest other
 * one cannot change cluster, so most distances are skipped once clusters settle. The labels of
 * each iteration are Lloyd's; the final ones come from the exact scoring kernel.
 */
function lloyd(x: Matrix, initial: Float64Array, maxIter: number, tol: number): KMeansFit {
  const {rows: n, cols: d, data} = x;
  const k = initial.length / d;
  const centers = Float64Array.from(initial);
  const next = new Float64Array(k * d);
  // Per-cluster sums and counts, kept up to date as points move rather than rebuilt each
  // iteration: late iterations move few points, and a rebuild costs n x d dependent additions.
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const half = new Float64Array(k);
  const moved = new Float64Array(k);
  // The nearest and second nearest squared distances of the last scan; [0] also takes the final
  // labelling's distances.
  const dist = new Float64Array(2);
  const distance = distanceKernel(d);
  const nearest = nearestRowsKernel(d);
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    let changed = false;
    if (it === 0) {
      for (let i = 0; i < n; i++) {
        scan(data, i, d, centers, k, labels, upper, lower, nearest, dist);
        const base = (labels[i] as number) * d;
        counts[labels[i] as number]! += 1;
        for (let j = 0; j < d; j++) sums[base + j]! += data[i * d + j] as number;
      }
      changed = true;
    } else {
      for (let c = 0; c < k; c++) {
        let nearest = Infinity;
        for (let o = 0; o < k; o++) {
          if (o !== c)
            nearest = Math.min(nearest, squaredDistance(centers, c * d, centers, o * d, d));
        }
        half[c] = Math.sqrt(nearest) / 2;
      }
      for (let i = 0; i < n; i++) {
        const a = labels[i] as number;
        // A relative margin keeps rounding in the bounds from skipping a true near-tie.
        const m = Math.max(half[a] as number, lower[i] as number) * (1 - 1e-12);
        if ((upper[i] as number) <= m) continue;
        upper[i] = Math.sqrt(distance(data, i * d, centers, a * d));
        if ((upper[i] as number) <= m) continue;
        if (scan(data, i, d, centers, k, labels, upper, lower, nearest, dist)) {
          changed = true;
          moveRow(data, i, d, a, labels[i] as number, sums, counts);
        }
      }
    }
    if (counts.includes(0)) {
      const distances = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        distances[i] = squaredDistance(data, i * d, centers, (labels[i] as number) * d, d);
      }
      for (const i of relocateEmptyClusters(x, labels, distances, counts, sums)) {
        upper[i] = Infinity;
        lower[i] = 0;
      }
      changed = true;
    }
    for (let c = 0; c < k; c++) {
      const count = counts[c] as number;
      for (let j = 0; j < d; j++) next[c * d + j] = (sums[c * d + j] as number) / count;
    }
    let shift = 0;
    // The largest centre move (and which centre) and the second largest: a point's lower bound
    // (to any other centre) drops by the largest move among the centres other than its own.
    let maxMove = 0;
    let maxCentre = -1;
    let secondMove = 0;
    for (let c = 0; c < k; c++) {
      const s = squaredDistance(next, c * d, centers, c * d, d);
      shift += s;
      const move = Math.sqrt(s);
      moved[c] = move;
      if (move > maxMove) {
        secondMove = maxMove;
        maxMove = move;
        maxCentre = c;
      } else if (move > secondMove) {
        secondMove = move;
      }
    }
    for (let i = 0; i < n; i++) {
      const a = labels[i] as number;
      upper[i] = (upper[i] as number) + (moved[a] as number);
      lower[i] = (lower[i] as number) - (a === maxCentre ? secondMove : maxMove);
    }
    centers.set(next);
    if (!changed) break;
    if (shift <= tol) break;
  }
  // Labels must be exactly the nearest final centroids (the scoring path), whatever stopped us.
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    labels[i] = nearestCentroid(data, i * d, centers, k, d, dist);
    inertia += dist[0] as number;
  }
  return {centroids: centers, labels, inertia, iterations};
}

/** Moves row i from cluster `from` to cluster `to` in the running sums and counts. */
function moveRow(
  data: Float64Array,
  i: number,
  d: number,
  from: number,
  to: number,
  sums: Float64Array,
  counts: Float64Array,
): void {
  counts[from]! -= 1;
  counts[to]! += 1;
  for (let j = 0; j < d; j++) {
    const v = data[i * d + j] as number;
    sums[from * d + j]! -= v;
    sums[to * d + j]! += v;
  }
}

/**
 * Scans every centre for row i: nearest (lower index on ties) and second nearest distances, as
 * bounds. The distances are summed in the same order as `squaredDistance`. Returns whether the
 * label changed.
 */
function scan(
  data: Float64Array,
  i: number,
  d: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  nearest: NearestRowsKernel,
  pair: Float64Array,
): boolean {
  const best = nearest(data, i * d, centers, k, pair);
  upper[i] = Math.sqrt(pair[0] as number);
  lower[i] = Math.sqrt(pair[1] as number);
  const changed = labels[i] !== best;
  labels[i] = best;
  return changed;
}

/**
 * scikit-learn's `_relocate_empty_clusters`: each empty cluster takes the point farthest from its
 * centre (largest distances first, lower index on ties), moved out of its old cluster's sums.
 */
function relocateEmptyClusters(
  x: Matrix,
  labels: Int32Array,
  distances: Float64Array,
  counts: Float64Array,
  sums: Float64Array,
): number[] {
  const d = x.cols;
  const empty: number[] = [];
  counts.forEach((c, i) => {
    if (c === 0) empty.push(i);
  });
  if (empty.length === 0) return [];
  const far: number[] = Array.from(distances.keys())
    .sort((a, b) => (distances[b] as number) - (distances[a] as number) || a - b)
    .slice(0, empty.length);
  empty.forEach((cluster, e) => {
    const i = far[e] as number;
    const old = labels[i] as number;
    for (let j = 0; j < d; j++) {
      const v = x.data[i * d + j] as number;
      sums[old * d + j] = (sums[old * d + j] as number) - v;
      sums[cluster * d + j] = v;
    }
    counts[old] = (counts[old] as number) - 1;
    counts[cluster] = 1;
    labels[i] = cluster;
  });
  return far;
}
