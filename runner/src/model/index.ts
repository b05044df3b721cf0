/**
 * The segmentation model: its types, loading/validation and the one scoring code path that
 * train, evaluate and the server share.
 */
export type {
  ClusterProfile,
  FeatureHistogram,
  IsolationForestModel,
  KMeansSettings,
  Prediction,
  SegmentationModel,
} from './types.js';
export {score, predict, scoreComponents, isolationScore, type RawFeatures} from './score.js';
export {FeatureInputError, ModelFormatError, type FeatureInputReason} from './errors.js';
export {averagePathLength} from './isolation-kernels.js';
export {parseModel, serializeModel, validateModel} from './model-json.js';
export {stableStringify} from './stable-json.js';
export {CUSTOMER_FEATURES, type CustomerFeature} from './features.js';
export {stableRows} from './stable-json.js';
