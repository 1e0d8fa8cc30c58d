export const STATUS_CATEGORIES = ['new', 'open', 'pending', 'resolved', 'closed', 'cancelled'] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

export interface TicketStatus {
  key: string;
  category: StatusCategory;
  position: number;
  isInitial: boolean;
}

/** The configured workflow: statuses and the moves allowed between them. */
export interface Workflow {
  statuses: readonly TicketStatus[];
  transitions: ReadonlyArray<{ from: string; to: string }>;
}

export type TransitionRefusal = 'unknown_status' | 'not_allowed' | 'same_status' | 'resolution_required';

/** The status a new ticket starts in. */
export function initialStatus(workflow: Workflow): TicketStatus {
  const status = workflow.statuses.find((candidate) => candidate.isInitial) ?? workflow.statuses[0];
  if (!status) throw new Error('the workflow has no status');
  return status;
}

/** The statuses a ticket in `from` may move to, in workflow order. */
export function nextStatuses(workflow: Workflow, from: string): TicketStatus[] {
  const allowed = new Set(workflow.transitions.filter((transition) => transition.from === from).map((transition) => transition.to));
  return workflow.statuses.filter((status) => allowed.has(status.key)).sort((a, b) => a.position - b.position);
}

/**
 * Whether a ticket may move from `from` to `to`; resolving (into a resolved-category status) needs
 * a resolution code and text. Returns the reason when it may not.
 */
export function checkTransition(workflow: Workflow, from: string, to: string, resolution: { code?: string; text?: string } = {}): TransitionRefusal | null {
  const target = workflow.statuses.find((status) => status.key === to);
  if (!target) return 'unknown_status';
  if (from === to) return 'same_status';
  if (!workflow.transitions.some((transition) => transition.from === from && transition.to === to)) return 'not_allowed';
  if (target.category === 'resolved' && (!resolution.code?.trim() || !resolution.text?.trim())) return 'resolution_required';
  return null;
}

export function categoryOf(workflow: Workflow, key: string): StatusCategory | undefined {
  return workflow.statuses.find((status) => status.key === key)?.category;
}
