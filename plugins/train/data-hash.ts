import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';

async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The training data hash of model.json: md5 over the inputs' own md5s (as pipeline.lock records
 * them), one per line in declared order, so it changes exactly when an input's bytes do.
 */
export async function trainingDataHash(paths: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const path of paths) lines.push(`${await md5File(path)}\n`);
  return createHash('md5').update(lines.join('')).digest('hex');
}
