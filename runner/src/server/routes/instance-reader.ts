import type {SegmentationModel} from '../../model/index.js';
import type {RequestProblem} from '../server-plugins/error-answers.js';

/** One instance, checked against the model and put in the order scoring wants. */
export type ReadInstance =
  | {readonly kind: 'raw'; readonly values: number[]}
  | {readonly kind: 'components'; readonly values: number[]};

/** Checks instance names against one model; built once per model. */
export interface InstanceReader {
  read(instance: Readonly<Record<string, number>>, index: number): ReadInstance | RequestProblem;
}

const COMPONENT = /^PC\d+$/;
const readers = new WeakMap<SegmentationModel, InstanceReader>();

/**
 * An instance is the model's raw features by name, or exactly PC1..PCn of its PCA space. Names
 * are checked here rather than in the JSON Schema because they belong to the model being served,
 * which can change under a running server.
 */
export function instanceReader(model: SegmentationModel): InstanceReader {
  let reader = readers.get(model);
  if (!reader) {
    reader = buildReader(model);
    readers.set(model, reader);
  }
  return reader;
}

function buildReader(model: SegmentationModel): InstanceReader {
  const features = model.features;
  const featureIndex = new Map(features.map((f, i) => [f, i]));
  const n = model.pca.components.length;
  const componentNames = Array.from({length: n}, (_, i) => `PC${i + 1}`);
  const componentIndex = new Map(componentNames.map((c, i) => [c, i]));

  function problem(
    index: number,
    given: readonly string[],
    known: ReadonlyMap<string, number>,
    expected: readonly string[],
    what: string,
  ): RequestProblem {
    const missing = expected.filter((name) => !given.includes(name));
    const unknown = given.filter((name) => !known.has(name));
    const parts = [
      ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
      ...(unknown.length > 0 ? [`unknown ${unknown.join(', ')}`] : []),
    ];
    return {
      path: `instances[${index}]`,
      instance: index,
      missing,
      unknown,
      message: `${parts.join('; ')}: ${what}`,
    };
  }

  return {
    read(instance, index) {
      const names = Object.keys(instance);
      if (names.every((name) => COMPONENT.test(name))) {
        if (names.length === n && names.every((name) => componentIndex.has(name))) {
          return {kind: 'components', values: componentNames.map((c) => instance[c] as number)};
        }
        return problem(
          index,
          names,
          componentIndex,
          componentNames,
          `an instance in PCA space needs exactly PC1..PC${n} (this model has ${n} components)`,
        );
      }
      if (names.length === features.length && names.every((name) => featureIndex.has(name))) {
        const values = features.map((f) => instance[f] as number);
        return {kind: 'raw', values};
      }
      return problem(
        index,
        names,
        featureIndex,
        features,
        `an instance needs exactly the model's ${features.length} features (${features.join(', ')}), or PC1..PC${n}`,
      );
    },
  };
}
