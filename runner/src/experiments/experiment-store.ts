import {createHash} from 'node:crypto';
import {mkdir, readdir, readFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {writeFileAtomic} from '../cache/atomic-write.js';
import {canonicalJson} from '../hashing/canonical-json.js';
import type {LockFile} from '../lock/lock-file.js';

/** What `runner exp run` records about one run of the pipeline (a JSON file per experiment). */
export interface ExperimentRecord {
  readonly schema: 1;
  /** Content-derived: the same params and results give the same id. */
  readonly id: string;
  readonly name: string;
  /** The `--set` items this experiment ran with, as typed. */
  readonly overrides: readonly string[];
  /** Every tracked param value, by params file and dotted key. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The contents of every metrics file, by path. */
  readonly metrics: Readonly<Record<string, unknown>>;
  /** The lock of the experiment's workspace: every hash, to restore its outputs. */
  readonly lock: LockFile;
  readonly ok: boolean;
  readonly commit: string | null;
  readonly createdAt: string;
  readonly durationMs: number;
  readonly host: string;
}

/** Experiments live in `.runner/exps/<id>.json`; `exp push/pull` share them through a remote. */
export class ExperimentStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, '.runner', 'exps');
  }

  async save(record: ExperimentRecord): Promise<void> {
    await mkdir(this.dir, {recursive: true});
    await writeFileAtomic(
      path.join(this.dir, `${record.id}.json`),
      `${JSON.stringify(record, null, 2)}\n`,
    );
  }

  async list(): Promise<ExperimentRecord[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const records: ExperimentRecord[] = [];
    for (const name of names) {
      try {
        records.push(
          JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as ExperimentRecord,
        );
      } catch {
        // A record being written by another process: skip it this time.
      }
    }
    return records.sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
  }

  /** By id, id prefix (at least 4 characters) or name. */
  async find(ref: string): Promise<ExperimentRecord | undefined> {
    const all = await this.list();
    const exact = all.find((r) => r.id === ref || r.name === ref);
    if (exact) return exact;
    const byPrefix = ref.length >= 4 ? all.filter((r) => r.id.startsWith(ref)) : [];
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  async remove(id: string): Promise<void> {
    await rm(path.join(this.dir, `${id}.json`), {force: true});
  }
}

/** A short id from what the experiment is: its params and its results' hashes. */
export function experimentId(params: unknown, lock: LockFile): string {
  const stages = Object.fromEntries(
    Object.entries(lock.stages).map(([k, v]) => [k, v.fingerprint]),
  );
  return sha256(canonicalJson({params, stages})).slice(0, 10);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
