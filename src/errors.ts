/**
 * Errors a user can cause (bad flag, bad file, unreachable endpoint) are `AuditError`s: they carry a
 * stable `code`, a message that says what was received and what to do, and the exit code the CLI
 * uses. The CLI prints `message` alone, never a stack trace.
 */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  crawlIncomplete: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type AuditErrorCode =
  'E_USAGE' | 'E_CONFIG' | 'E_INPUT' | 'E_POLICY' | 'E_BASELINE' | 'E_WRITE' | 'E_CREDENTIALS' | 'E_ENDPOINT';

export class AuditError extends Error {
  override readonly name = 'AuditError';
  readonly code: AuditErrorCode;
  readonly exitCode: ExitCode;

  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown; exitCode?: ExitCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options?.exitCode ?? ExitCode.usage;
  }
}

/** Raised when the user interrupts a run (Ctrl-C); nothing half-written is left behind. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}
