/**
 * A place in a source file. Offsets are stored; line and column are computed only when printing,
 * so analysis never pays for positions of errors it does not report.
 */
export interface SourceLocation {
  /**
   * Path of the file: absolute as the analyzer reports it (a relative path is taken from the
   * printer's cwd). formatDiagnostics shows it relative to the working directory.
   */
  readonly file: string;
  /** UTF-16 offset of the first character, as the `yaml` package reports it. */
  readonly offset: number;
  /** Length of the range to underline; 0 underlines one character. */
  readonly length: number;
}

export interface SupplementalLocation {
  readonly message: string;
  readonly location: SourceLocation;
}

/**
 * A problem found while reading or analysing a pipeline. `reason` is a stable kebab-case code,
 * documented in docs/errors.md; tests and tools match on it, never on the message text.
 */
export interface Diagnostic {
  readonly reason: string;
  readonly severity: 'error' | 'warning';
  /** What is wrong and how to fix it, in one or two sentences. */
  readonly message: string;
  /** Missing only for problems that have no place in a file (e.g. the file does not exist). */
  readonly location?: SourceLocation;
  /** Further places, e.g. each hop of a cycle. */
  readonly supplemental?: readonly SupplementalLocation[];
}
