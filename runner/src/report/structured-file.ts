import {parse} from 'yaml';
import {ReportFailure, type ReportReason} from './failure.js';

/** Parses a JSON or YAML file by its extension (YAML for anything but `.json`). */
export function parseStructured(
  path: string,
  bytes: Buffer,
  where: string,
  reason: ReportReason,
): unknown {
  const text = bytes.toString('utf8');
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReportFailure(
      reason,
      `${path} at ${where} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${detail}; fix the file or the stage that writes it`,
    );
  }
}
