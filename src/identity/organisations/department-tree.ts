/** What the tree functions need of a department. */
export interface TreeNode {
  readonly id: string;
  readonly parentId: string | null;
}

/**
 * The departments in tree order (each followed by its sub-departments, siblings in the order
 * given) with their depth, 0 for the top. A node whose parent is missing, or that sits on a
 * cycle, is shown at the top rather than lost.
 */
export function flattenTree<T extends TreeNode>(nodes: readonly T[]): Array<T & { depth: number }> {
  const children = new Map<string | null, T[]>();
  const ids = new Set(nodes.map((node) => node.id));
  for (const node of nodes) {
    const parent = node.parentId !== null && ids.has(node.parentId) ? node.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  const out: Array<T & { depth: number }> = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const node of children.get(parent) ?? []) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      out.push({ ...node, depth });
      walk(node.id, depth + 1);
    }
  };
  walk(null, 0);
  for (const node of nodes) {
    if (seen.has(node.id)) continue;
    // Only nodes on a cycle get here (the database's rules should never allow one).
    seen.add(node.id);
    out.push({ ...node, depth: 0 });
    walk(node.id, 1);
  }
  return out;
}

/** The ids of `rootId` and every department below it. */
export function subtreeIds(nodes: readonly TreeNode[], rootId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.parentId !== null) children.set(node.parentId, [...(children.get(node.parentId) ?? []), node.id]);
  }
  const found = new Set<string>([rootId]);
  const queue = [rootId];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Whether putting department `id` under `parentId` would make it its own ancestor. */
export function createsCycle(nodes: readonly TreeNode[], id: string, parentId: string | null): boolean {
  return parentId !== null && subtreeIds(nodes, id).has(parentId);
}
