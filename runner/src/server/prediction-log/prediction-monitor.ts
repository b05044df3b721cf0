import {join} from 'node:path';
import type {SegmentationModel} from '../../model/index.js';
import {driftReport, type DriftReport} from '../drift/drift-report.js';
import {RecentInputs} from '../drift/recent-inputs.js';
import type {LoadedModel} from '../model-source/loaded-model.js';
import type {PredictionBody} from '../schemas/predict-response.js';
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
 * Remembers what the server predicted: every instance goes to an append-only NDJSON log (one line
 * per instance: time, model version, the instance as posted, the prediction) and, when it came as
 * raw features, into the in-memory window that /drift compares with the training histograms.
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

  /**
   * Records one scored instance. `raw` is the feature vector in model order, or undefined when
   * the instance was given as PCA components (those cannot be compared with raw histograms).
   */
  record(
    loaded: LoadedModel,
    instance: Readonly<Record<string, number>>,
    raw: ArrayLike<number> | undefined,
    prediction: PredictionBody,
    at: string,
  ): void {
    if (raw !== undefined) this.#recent.push(raw);
    this.log?.append(
      `{"t":"${at}","model":"${loaded.version}","instance":${JSON.stringify(instance)},"cluster":${prediction.cluster},"distance":${prediction.distance},"is_outlier":${prediction.is_outlier}}`,
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
    const lines = await readLastLines(this.log.files(), this.options.driftWindow);
    let restored = 0;
    for (const line of lines) {
      const row = rawRow(line, features);
      if (row) {
        this.#recent.push(row);
        restored++;
      }
    }
    return restored;
  }

  drift(loaded: LoadedModel): DriftReport {
    return driftReport(loaded.model, loaded.version, this.#recent);
  }

  async close(): Promise<void> {
    await this.log?.close();
  }
}

function rawRow(line: string, features: readonly string[]): number[] | undefined {
  let instance: unknown;
  try {
    instance = (JSON.parse(line) as {instance?: unknown}).instance;
  } catch {
    return undefined; // a torn last line after a crash
  }
  if (typeof instance !== 'object' || instance === null) return undefined;
  const values = instance as Record<string, unknown>;
  if (Object.keys(values).length !== features.length) return undefined;
  const row = features.map((f) => values[f]);
  return row.every((v) => typeof v === 'number' && Number.isFinite(v))
    ? (row as number[])
    : undefined;
}
