/**
 * models/model.json (contract; JSON Schema in schemas/model.schema.json): everything needed to
 * score a raw customer feature row in any language, and training-time facts. No quality
 * metrics (they live in reports/metrics.json). Numbers are plain JSON numbers, keys sorted.
 */
export interface SegmentationModel {
  readonly schema: 1;
  /** The 15 raw feature names, in the order every vector below uses. */
  readonly features: readonly string[];
  readonly scaler: {
    /**
     * Per feature; the mean and population std of the non-outlier training rows (after the L2
     * step). Features not in `standardize` carry mean 0 and std 1, so one formula scales all.
     */
    readonly mean: readonly number[];
    /** Per feature; 0 marks a constant column, which scales to 0. */
    readonly std: readonly number[];
    /** Features L2-normalised per row before z-scoring (empty by default). */
    readonly l2Normalize: readonly string[];
    /** Features z-scored (all by default); the others pass through unscaled. */
    readonly standardize: readonly string[];
  };
  readonly pca: {
    /** Per feature mean of the scaled training matrix (subtracted before projecting). */
    readonly mean: readonly number[];
    /** nComponents rows of nFeatures loadings; sign fixed so the largest |loading| is positive. */
    readonly components: readonly (readonly number[])[];
    readonly explainedVariance: readonly number[];
    readonly explainedVarianceRatio: readonly number[];
  };
  readonly kmeans: {
    readonly k: number;
    /** k rows of nComponents; row i is cluster i (clusters relabelled by size, largest = 0). */
    readonly centroids: readonly (readonly number[])[];
  };
  readonly clusters: readonly ClusterProfile[];
  readonly isolationForest: IsolationForestModel;
  /** Per feature (by name): 10-bin histogram of the non-outlier training rows, for drift (PSI). */
  readonly histograms: Readonly<Record<string, FeatureHistogram>>;
  readonly training: {
    /** md5 of the training inputs (as in pipeline.lock), so a server can say what it serves. */
    readonly dataHash: string;
    /** Customers in the feature tables (outliers included). */
    readonly rows: number;
    readonly outliers: number;
    readonly seed: number;
    /** The k-means settings used, so evaluate refits its k sweep exactly the same way. */
    readonly kmeans: KMeansSettings;
  };
}

/** k-means settings (scikit-learn's meaning), recorded in model.json for the k sweep. */
export interface KMeansSettings {
  readonly nInit: number;
  readonly maxIter: number;
  /** Relative tolerance: the absolute one is tol x mean per-column variance of the input. */
  readonly tol: number;
  readonly seed: number;
  /** Inclusive [min, max] of the k sweep (and of `k: auto`). */
  readonly kRange: readonly [number, number];
}

export interface ClusterProfile {
  readonly id: number;
  /** Generated from the strongest deviations, e.g. "recent high spenders". */
  readonly name: string;
  readonly size: number;
  /** Mean of every unscaled feature over the cluster's non-outlier customers. */
  readonly means: Readonly<Record<string, number>>;
}

export interface FeatureHistogram {
  /** 11 ascending edges; the first and last are the training min and max. */
  readonly edges: readonly number[];
  /** 10 counts. */
  readonly counts: readonly number[];
}

/**
 * An Isolation Forest as flat arrays per tree. Node i is a leaf when `feature[i]` is -1; then
 * `size[i]` is the number of training samples that reached it.
 */
export interface IsolationForestModel {
  readonly nEstimators: number;
  /** Samples per tree actually used: min(maxSamples param, rows); c(maxSamples) normalises. */
  readonly maxSamples: number;
  readonly contamination: number;
  /** A row is an outlier when its score (scikit-learn's `score_samples`) is below this. */
  readonly threshold: number;
  readonly trees: readonly {
    readonly feature: readonly number[];
    readonly threshold: readonly number[];
    readonly left: readonly number[];
    readonly right: readonly number[];
    readonly size: readonly number[];
  }[];
}

/** What scoring one customer gives. */
export interface Prediction {
  readonly cluster: number;
  readonly name: string;
  /** Euclidean distance to the assigned centroid in PCA space. */
  readonly distance: number;
  /** Null when the instance was given as PCA components (the forest needs raw features). */
  readonly isOutlier: boolean | null;
}
