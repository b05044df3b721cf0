/**
 * Every reason code the analyzer can report. Stable: tools and tests match on these, and each is
 * explained in docs/errors.md (a test keeps the two in sync).
 */
export const REASONS = [
  'file-not-found',
  'yaml-syntax',
  'duplicate-key',
  'merge-conflict',
  'no-stages',
  'unknown-field',
  'wrong-type',
  'invalid-value',
  'missing-field',
  'invalid-stage-name',
  'cmd-and-uses',
  'missing-command',
  'with-without-uses',
  'empty-cmd',
  'invalid-timeout',
  'invalid-retries',
  'invalid-foreach',
  'invalid-matrix',
  'invalid-interpolation',
  'unknown-reference',
  'interpolated-collection',
  'vars-conflict',
  'invalid-params-file',
  'missing-params-file',
  'missing-params-key',
  'unknown-set-key',
  'malformed-set',
  'invalid-path',
  'path-escapes-root',
  'wdir-escapes-root',
  'cycle',
  'duplicate-out',
  'overlapping-outs',
  'missing-dep',
  'unknown-plugin',
  'plugin-load-failed',
  'invalid-plugin',
  'invalid-plugin-params',
  'wrong-io-count',
  'unknown-remote',
] as const;

/** A stable kebab-case reason code; see docs/errors.md. */
export type Reason = (typeof REASONS)[number];
