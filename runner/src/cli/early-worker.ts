import {readFileSync} from 'node:fs';
import {startWorkerEarly} from '../execution/plugin-pool.js';

/** A `uses:` key: the pipeline has plugin stages (a comment that says so only costs a start). */
const PLUGIN_STAGE = /^\s*uses\s*:/m;

/**
 * Before a run analyses its pipeline (a plan cache miss: the pipeline changed, or the project is
 * new, so stages will likely run): when the file has plugin stages, start the first plugin
 * worker now so that its start overlaps the analysis. A run that turns out to have nothing to do
 * stops it again at exit; a run served by the plan cache starts nothing ahead.
 */
export function startWorkerForPluginStages(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // the analysis reports a missing or unreadable file
  }
  if (PLUGIN_STAGE.test(text)) startWorkerEarly();
}
