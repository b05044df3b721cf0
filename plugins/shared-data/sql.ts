/** A SQL string literal: DuckDB reads `'it''s'` as `it's`. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier, safe for any column name a user puts in params. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
