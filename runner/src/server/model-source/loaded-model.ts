import type {SegmentationModel} from '../../model/index.js';
import type {RecommendationTable} from './recommendations.js';

/** A model ready to serve: validated, with the facts /health reports. Immutable once built. */
export interface LoadedModel {
  readonly model: SegmentationModel;
  /** md5 of the model.json bytes (the registry's version id for the same file). */
  readonly version: string;
  /** md5 of the training inputs, from model.json. */
  readonly dataHash: string;
  /** Where it came from, for humans: a path, or `registry segmentation@production (version)`. */
  readonly source: string;
  readonly loadedAt: Date;
  /** Undefined when no recommendations table was bundled with the model. */
  readonly recommendations: RecommendationTable | undefined;
}

/**
 * Where the server gets its model from, and how it learns that a new one is there. `load` must
 * validate everything it returns (a refused model throws, and the server keeps the old one).
 */
export interface ModelSource {
  /** For logs and /health, e.g. the model path or `segmentation@production`. */
  readonly description: string;
  load(): Promise<LoadedModel>;
  /** Calls `onChange` (maybe spuriously) when the model may have changed; returns a stop function. */
  watch(onChange: () => void): () => void;
}
