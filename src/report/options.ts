/** What a formatter may know beyond the run: how to print, and where to say what it left out. */
export interface FormatOptions {
  /** ANSI colours (text only); off for NO_COLOR, --no-color, or a non-terminal. */
  readonly color: boolean;
  /** A line for stderr (for example: SARIF left results out to fit GitHub's limits). */
  readonly warn: (line: string) => void;
  /**
   * The JSON report also holds the whole snapshot (`--report-snapshot`). Off by default: the
   * snapshot is its own output, and a second copy of it doubled the report. @default false
   */
  readonly reportSnapshot?: boolean;
}
