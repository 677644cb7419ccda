/**
 * The exit codes of the `keyrelay` command.
 *
 * - `0` every request succeeded (or nothing was left to do);
 * - `1` the job finished but some requests failed (failure lines in the output);
 * - `2` a usage error: a bad flag, a missing input file, no keys… (nothing written);
 * - `75` the job stopped early because the day's quota is spent (`--on-daily-exhaustion stop`);
 *   re-running the same command after the reset resumes it (75 is `EX_TEMPFAIL`: try again later);
 * - `130` stopped by SIGINT (Ctrl-C), `143` stopped by SIGTERM; re-running resumes.
 */
export const ExitCode = {
  ok: 0,
  someFailed: 1,
  usage: 2,
  dailyQuotaSpent: 75,
  sigint: 130,
  sigterm: 143,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a process stopped by `signal`: 128 + its number. */
export function exitCodeOfSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint;
}
