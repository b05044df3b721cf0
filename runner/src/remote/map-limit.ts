/**
 * Runs `work` on every item with at most `limit` in flight. Every item is attempted even when some
 * fail; the settled results come back in input order.
 */
export async function mapSettled<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = {status: 'fulfilled', value: await work(items[index] as T)};
      } catch (reason) {
        results[index] = {status: 'rejected', reason};
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({length: workers}, worker));
  return results;
}
