const FIRST_DELAY_MS = 60_000;
const LONGEST_DELAY_MS = 6 * 3_600_000;

/**
 * How long to wait before attempt `attempt + 1` after `attempt` failed ones: one minute, doubling,
 * at most six hours — so a server down for an afternoon is retried often at first and then calmly.
 */
export function retryDelayMs(failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(exponent, 30));
}
