/** The messages between the runner and a plugin worker process (structured clone over IPC). */
export interface PluginTask {
  readonly stage: string;
  readonly modulePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly root: string;
  readonly deps: readonly string[];
  readonly outs: readonly string[];
  readonly metrics: readonly string[];
  readonly plots: readonly string[];
  readonly tmpdir: string;
  readonly threads: number;
  readonly memoryMb: number;
}

export type ToWorker =
  | {readonly type: 'run'; readonly id: number; readonly task: PluginTask}
  | {readonly type: 'abort'; readonly id: number}
  /** Load these plugin modules now, while idle, so their first task does not wait for them. */
  | {readonly type: 'preload'; readonly modulePaths: readonly string[]};

export type FromWorker =
  | {
      readonly type: 'log';
      readonly id: number;
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly message: string;
      readonly data?: Record<string, unknown>;
    }
  | {
      readonly type: 'progress';
      readonly id: number;
      readonly label: string;
      readonly done: number;
      readonly total: number | null;
      readonly unit: 'bytes' | 'rows' | 'items';
    }
  | {readonly type: 'done'; readonly id: number; readonly error?: string};
