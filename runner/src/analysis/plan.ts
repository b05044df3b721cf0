import type {SourceLocation} from '../diagnostics/diagnostic.js';

/**
 * The immutable, fully validated pipeline that the executor runs. Built by the analyzer from
 * pipeline.yaml (or dvc.yaml); the executor never reads YAML. All paths are POSIX, relative to
 * the project root, normalised (no `./`, no trailing `/`), and proven not to escape the root.
 */
export interface PipelinePlan {
  /** Absolute path of the project root (the folder holding the pipeline file). */
  readonly root: string;
  /** Absolute path of the pipeline file. */
  readonly file: string;
  /** Every stage after foreach/matrix expansion, keyed by full name (`name` or `name@key`). */
  readonly stages: ReadonlyMap<string, StagePlan>;
  /** Stage names in a deterministic topological order (dependencies first, ties by name). */
  readonly order: readonly string[];
  readonly remotes: ReadonlyMap<string, RemoteSpec>;
  readonly defaultRemote: string | undefined;
}

export interface RemoteSpec {
  readonly name: string;
  /** `gs://bucket/prefix`, or a folder (absolute, or relative to the project root). */
  readonly url: string;
}

export interface StagePlan {
  /** Full name: `train`, or `train@3` / `train@us-k3` for foreach/matrix items. */
  readonly name: string;
  readonly desc: string | undefined;
  readonly command: StageCommand;
  /** Working directory of a cmd stage, relative to the root ('' for the root itself). */
  readonly wdir: string;
  readonly deps: readonly PathSpec[];
  /** Plain outs, metrics and plots, in this order, each with its `kind`. */
  readonly outs: readonly OutSpec[];
  /** Tracked params with the values resolved for this run (after `--set`), sorted by file, key. */
  readonly params: readonly ParamValue[];
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  /** Extra attempts after a failure; 0 when not set. */
  readonly retries: number;
  /** Milliseconds before the stage is stopped; undefined for none. */
  readonly timeoutMs: number | undefined;
  /** Names of the stages that produce one of this stage's deps, sorted. */
  readonly upstream: readonly string[];
  /** The stage's key in the pipeline file, for messages about the stage as a whole. */
  readonly location: SourceLocation | undefined;
}

export type StageCommand =
  | {
      readonly type: 'cmd';
      /** After `${}` interpolation; a list runs its commands one after the other, stopping at the first failure. */
      readonly cmd: readonly string[];
    }
  | {
      readonly type: 'plugin';
      readonly plugin: ResolvedPlugin;
      /** The stage's `with:` after `${}` interpolation and schema defaults, validated. */
      readonly with: Readonly<Record<string, unknown>>;
    };

export interface ResolvedPlugin {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the module whose default export is the plugin definition. */
  readonly modulePath: string;
  /** sha256 over every file of the plugin's folder (and the runner's version for built-ins). */
  readonly codeHash: string;
  /** Where the plugin came from: `builtin`, `path` (relative to the pipeline) or `package`. */
  readonly source: 'builtin' | 'path' | 'package';
}

export interface PathSpec {
  readonly path: string;
  readonly location: SourceLocation | undefined;
}

export interface OutSpec extends PathSpec {
  readonly kind: 'out' | 'metric' | 'plot';
  /** False for small files kept in git (DVC's `cache: false`). */
  readonly cache: boolean;
  /** DVC's `persist: true`: the out is not removed before the stage runs. */
  readonly persist: boolean;
}

export interface ParamValue {
  /** The params file, relative to the root (`params.yaml` by default). */
  readonly file: string;
  /**
   * Dotted key (`train.k`), or a whole section (`train`); `''` tracks the whole file (a
   * `- other.yaml:` entry with no keys, as in DVC).
   */
  readonly key: string;
  /** The value used for this run; undefined only when the key is missing (an analysis error). */
  readonly value: unknown;
}
