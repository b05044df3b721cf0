/** The value of one sample in Prometheus text, e.g. `runner_predictions_total{cluster="0"}`; 0 if absent. */
export function sample(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}
