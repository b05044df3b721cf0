import {join} from 'node:path';
import type {SegmentationModel} from '../../model/index.js';
import {driftReport, type DriftReport} from '../drift/drift-report.js';
import {RecentInputs} from '../drift/recent-inputs.js';
import type {LoadedModel} from '../model-source/loaded-model.js';
import {readLastLines, RotatingFile, type RotatingFileOptions} from './rotating-file.js';

/** Options of {@link PredictionMonitor}. */
export interface PredictionMonitorOptions {
  /** Where predictions.ndjson (and its rotated copies) go; undefined keeps no log on disk. */
  readonly logDir: string | undefined;
  /** Raw inputs kept in memory for /drift; default 1,000. */
  readonly driftWindow: number;
  readonly rotation?: Omit<RotatingFileOptions, 'path'>;
}

/**
 * Remembers what the server predicted: every answered /predict request goes to an append-only
 * NDJSON log, one line per request holding the request and the answer exactly as they crossed the
 * wire (as Vertex AI's request-response logging does), and every instance given as raw features
 * goes into the in-memory window that /drift compares with the training histograms.
 */
export class PredictionMonitor {
  readonly log: RotatingFile | undefined;
  #recent: RecentInputs;

  constructor(
    model: SegmentationModel,
    readonly options: PredictionMonitorOptions,
  ) {
    this.#recent = new RecentInputs(model.features, options.driftWindow);
    this.log =
      options.logDir === undefined
        ? undefined
        : new RotatingFile({...options.rotation, path: join(options.logDir, 'predictions.ndjson')});
  }

  /** The drift window (replaced when a reloaded model has other features). */
  get recent(): RecentInputs {
    return this.#recent;
  }

  /** Adds one instance given as raw features (in model order) to the drift window. */
  observe(raw: ArrayLike<number>): void {
    this.#recent.push(raw);
  }

  /**
   * Logs one answered request. `requestJson` and `responseJson` are the bodies as received and
   * sent: reusing them costs no serialisation on the request path. Both are JSON texts, whose
   * only raw line breaks are whitespace, so flattening those keeps one record per line.
   */
  logRequest(loaded: LoadedModel, requestJson: string, responseJson: string, at: string): void {
    this.log?.append(
      `{"t":"${at}","model":"${loaded.version}","request":${oneLine(requestJson)},"response":${oneLine(responseJson)}}`,
    );
  }

  /** Starts a new window when the new model's features differ (names or order). */
  modelChanged(model: SegmentationModel): void {
    const old = this.#recent.features;
    const same =
      old.length === model.features.length && old.every((f, i) => f === model.features[i]);
    if (!same) this.#recent = new RecentInputs(model.features, this.options.driftWindow);
  }

  /** Refills the drift window from the log, so a restart does not forget recent traffic. */
  async restore(): Promise<number> {
    if (!this.log) return 0;
    const features = this.#recent.features;
    // Every line holds at least one instance, so this many lines are enough to fill the window.
    const lines = await readLastLines(this.log.files(), this.options.driftWindow);
    const rows = lines.flatMap((line) => rawRows(line, features));
    const recent = rows.slice(Math.max(0, rows.length - this.options.driftWindow));
    for (const row of recent) this.#recent.push(row);
    return recent.length;
  }

  drift(loaded: LoadedModel): DriftReport {
    return driftReport(loaded.model, loaded.version, this.#recent);
  }

  async close(): Promise<void> {
    await this.log?.close();
  }
}

function oneLine(json: string): string {
  return json.includes('\n') || json.includes('\r') ? json.replace(/[\r\n]/g, ' ') : json;
}

/** The raw-feature instances of one logged request, in model order. */
function rawRows(line: string, features: readonly string[]): number[][] {
  let instances: unknown;
  try {
    instances = (JSON.parse(line) as {request?: {instances?: unknown}}).request?.instances;
  } catch {
    return []; // a torn last line after a crash
  }
  if (!Array.isArray(instances)) return [];
  const rows: number[][] = [];
  for (const instance of instances as unknown[]) {
    if (typeof instance !== 'object' || instance === null) continue;
    const values = instance as Record<string, unknown>;
    if (Object.keys(values).length !== features.length) continue;
    const row = features.map((f) => values[f]);
    if (row.every((v) => typeof v === 'number' && Number.isFinite(v))) rows.push(row as number[]);
  }
  return rows;
}
