/** Why a raw feature instance could not be scored. */
export type FeatureInputReason = 'names' | 'length' | 'not-finite';

/**
 * Thrown by {@link score} when an instance does not carry exactly the model's features as finite
 * numbers. `missing` and `unknown` list the offending names so a server can answer 400 with them.
 */
export class FeatureInputError extends Error {
  override readonly name = 'FeatureInputError';
  constructor(
    readonly reason: FeatureInputReason,
    message: string,
    readonly missing: readonly string[] = [],
    readonly unknown: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Thrown when a model.json does not match schemas/model.schema.json or is inconsistent. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  constructor(
    message: string,
    /** One line per problem, each starting with a JSON pointer into the model. */
    readonly problems: readonly string[],
  ) {
    super(`${message}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
