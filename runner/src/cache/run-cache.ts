import {mkdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import type {LockPath} from '../lock/lock-file.js';
import {writeFileAtomic} from './atomic-write.js';

/** What a stage run produced, keyed by its fingerprint: enough to restore its outs. */
export interface RunRecord {
  readonly schema: 1;
  readonly fingerprint: string;
  /** The stage that ran (informative: another stage with the same fingerprint may reuse it). */
  readonly stage: string;
  readonly outs: readonly LockPath[];
  /** ISO 8601. */
  readonly createdAt: string;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

/** `<cacheDir>/runs/<fingerprint>.json`, one small file per run, written atomically. */
export class RunCache {
  readonly runsDir: string;

  constructor(cacheDir: string) {
    this.runsDir = path.join(cacheDir, 'runs');
  }

  recordPath(fingerprint: string): string {
    if (!FINGERPRINT.test(fingerprint)) {
      throw new Error(`Internal error: not a fingerprint: ${JSON.stringify(fingerprint)}`);
    }
    return path.join(this.runsDir, `${fingerprint}.json`);
  }

  /** The record, or undefined when absent or unreadable (a corrupt record is a miss). */
  async get(fingerprint: string): Promise<RunRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.recordPath(fingerprint), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const record = JSON.parse(text) as unknown;
      return isRunRecord(record) && record.fingerprint === fingerprint ? record : undefined;
    } catch {
      return undefined;
    }
  }

  async put(record: RunRecord): Promise<void> {
    const file = this.recordPath(record.fingerprint);
    await mkdir(this.runsDir, {recursive: true});
    // Not fsynced, like the objects it points to (a fsync per stage would cost seconds for a
    // 1,000-stage run); a record damaged by a power cut reads as a miss.
    await writeFileAtomic(file, JSON.stringify(record, null, 2) + '\n');
  }
}

export function isRunRecord(value: unknown): value is RunRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record['schema'] === 1 &&
    typeof record['fingerprint'] === 'string' &&
    typeof record['stage'] === 'string' &&
    typeof record['createdAt'] === 'string' &&
    Array.isArray(record['outs']) &&
    (record['outs'] as unknown[]).every(isLockPath)
  );
}

function isLockPath(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const out = value as Record<string, unknown>;
  return (
    typeof out['path'] === 'string' &&
    typeof out['md5'] === 'string' &&
    typeof out['size'] === 'number' &&
    (out['nfiles'] === undefined || typeof out['nfiles'] === 'number')
  );
}
