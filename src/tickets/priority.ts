/** Impact and urgency: 1 high, 2 medium, 3 low. Priority: 1 critical … 5 planning. */
export type Level = 1 | 2 | 3;

export interface MatrixCell {
  impact: number;
  urgency: number;
  priority: number;
}

export function isLevel(value: unknown): value is Level {
  return value === 1 || value === 2 || value === 3;
}

/**
 * The priority the configured matrix gives; a cell missing from the matrix falls back to the
 * sum rule (impact + urgency − 1), which is what the default matrix says anyway.
 */
export function priorityOf(matrix: readonly MatrixCell[], impact: Level, urgency: Level): number {
  return matrix.find((cell) => cell.impact === impact && cell.urgency === urgency)?.priority ?? impact + urgency - 1;
}
