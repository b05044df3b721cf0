import {TRANSACTION_COLUMN_NAMES} from '../shared-data/transactions-schema.js';

/**
 * Positions of the eight transaction columns among a file's header names (extra columns are
 * ignored). Missing or renamed columns fail with what was expected and what was found.
 */
export function matchColumns(found: readonly string[], label: string): number[] {
  const trimmed = found.map((name) => name.trim());
  const positions = TRANSACTION_COLUMN_NAMES.map((name) => trimmed.indexOf(name));
  const missing = TRANSACTION_COLUMN_NAMES.filter((_, i) => positions[i] === -1);
  if (missing.length > 0) {
    const extra = trimmed.filter((name) => !TRANSACTION_COLUMN_NAMES.includes(name as never));
    throw new Error(
      `download: ${label} is missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
        `Expected ${TRANSACTION_COLUMN_NAMES.join(', ')}; found ${trimmed.join(', ') || '(no header)'}` +
        (extra.length ? ` (unexpected: ${extra.join(', ')}; renamed?)` : '') +
        '. Names are case-sensitive.',
    );
  }
  return positions;
}
