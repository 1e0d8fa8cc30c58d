/** How a work group hands out new tickets addressed to it (the tickets area does the picking). */
export const ASSIGNMENT_MODES = ['manual', 'round_robin', 'least_loaded'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export function isAssignmentMode(value: unknown): value is AssignmentMode {
  return typeof value === 'string' && (ASSIGNMENT_MODES as readonly string[]).includes(value);
}
