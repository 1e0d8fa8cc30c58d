import type { AssignmentMode } from '../identity/groups/assignment-mode';

export interface Candidate {
  id: string;
  /** Open tickets assigned to them now (for least-loaded). */
  load: number;
}

export interface AssignmentPick {
  assigneeId: string;
  /** Set when the picked member was away and their substitute takes the ticket instead. */
  substituteFor?: string;
}

/**
 * Who gets the next ticket of a group. `members` are the group's active members in a stable order
 * (by login); `away` maps those who are absent now to their substitute (or null). People away are
 * skipped; their substitutes (when named, active and not away themselves) stand in their place.
 * Round-robin takes the next one after the last picked; least-loaded the one with the fewest open
 * tickets, the earlier in order on a tie. Null when nobody can take it (the ticket stays with the
 * group).
 */
export function pickAssignee(
  mode: AssignmentMode,
  members: readonly Candidate[],
  away: ReadonlyMap<string, string | null>,
  lastPickedId: string | null,
  substitutes: readonly Candidate[] = [],
): AssignmentPick | null {
  if (mode === 'manual' || members.length === 0) return null;
  const order = members.map((member) => member.id);
  const start = lastPickedId ? order.indexOf(lastPickedId) + 1 : 0;
  const rotated = mode === 'round_robin' ? [...members.slice(start), ...members.slice(0, start)] : members;
  const slots: Array<{ candidate: Candidate; substituteFor?: string }> = [];
  for (const member of rotated) {
    if (!away.has(member.id)) {
      slots.push({ candidate: member });
      continue;
    }
    const substituteId = away.get(member.id);
    const substitute = substitutes.find((candidate) => candidate.id === substituteId);
    if (substitute && !away.has(substitute.id)) slots.push({ candidate: substitute, substituteFor: member.id });
  }
  if (slots.length === 0) return null;
  const chosen = mode === 'round_robin' ? slots[0]! : slots.reduce((best, slot) => (slot.candidate.load < best.candidate.load ? slot : best));
  return { assigneeId: chosen.candidate.id, ...(chosen.substituteFor ? { substituteFor: chosen.substituteFor } : {}) };
}
