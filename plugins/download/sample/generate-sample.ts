import type {StageContext} from '../../../runner/src/plugin-api/index.js';
import type {DownloadParams} from '../params.js';

export async function generateSample(
  _ctx: StageContext<DownloadParams>,
  _settings: {rows: number; seed: number},
  _out: string,
): Promise<void> {
  throw new Error('todo');
}
