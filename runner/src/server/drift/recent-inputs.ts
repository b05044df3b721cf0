/**
 * The raw feature vectors of the last `capacity` scored instances, oldest overwritten first.
 * Rows are stored flat in one Float64Array, so keeping the window costs no allocation per request.
 */
export class RecentInputs {
  readonly #values: Float64Array;
  #next = 0;
  #size = 0;

  constructor(
    /** The feature names, in the order of every stored row. */
    readonly features: readonly string[],
    readonly capacity: number,
  ) {
    this.#values = new Float64Array(capacity * features.length);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one row given in `features` order. */
  push(row: ArrayLike<number>): void {
    if (this.capacity === 0) return;
    this.#values.set(row, this.#next * this.features.length);
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** The stored values of one feature (any order: PSI does not care). */
  column(featureIndex: number): Float64Array {
    const width = this.features.length;
    const out = new Float64Array(this.#size);
    for (let r = 0; r < this.#size; r++) out[r] = this.#values[r * width + featureIndex] as number;
    return out;
  }
}
