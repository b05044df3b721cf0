import {collectDefaultMetrics, Counter, Gauge, Histogram, Registry} from 'prom-client';

/** Latency buckets in seconds: fine below 10 ms, where a scoring request should land. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The server's Prometheus metrics, all prefixed `runner_`, in a registry of its own. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'runner_http_requests_total',
    help: 'HTTP requests answered, by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'runner_http_errors_total',
    help: 'HTTP requests answered with a 4xx or 5xx status, by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'runner_http_request_duration_seconds',
    help: 'Time from receiving a request to sending the answer, by route.',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly predictions = new Counter({
    name: 'runner_predictions_total',
    help: 'Instances scored, by assigned cluster.',
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });
  readonly outliers = new Counter({
    name: 'runner_prediction_outliers_total',
    help: 'Instances the Isolation Forest flagged as outliers.',
    registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: 'runner_model_reloads_total',
    help: 'Model reload attempts, by outcome (swapped, unchanged, refused).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly modelInfo = new Gauge({
    name: 'runner_model_info',
    help: 'The model being served (value 1), by version and training data hash.',
    labelNames: ['version', 'data_hash'] as const,
    registers: [this.registry],
  });
  readonly logDropped = new Gauge({
    name: 'runner_prediction_log_dropped',
    help: 'Prediction log lines dropped because the disk could not keep up or failed.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({register: this.registry, prefix: 'runner_'});
  }

  serving(version: string, dataHash: string): void {
    this.modelInfo.reset();
    this.modelInfo.set({version, data_hash: dataHash}, 1);
  }
}
