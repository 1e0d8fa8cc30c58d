import { createsCycle, flattenTree, subtreeIds } from './department-tree';

const node = (id: string, parentId: string | null = null) => ({ id, parentId });

describe('department tree', () => {
  const nodes = [node('a'), node('b', 'a'), node('c', 'b'), node('d'), node('e', 'a')];

  it('lists parents before children, siblings in the given order, with depths', () => {
    expect(flattenTree(nodes).map((n) => `${n.depth}${n.id}`)).toEqual(['0a', '1b', '2c', '1e', '0d']);
  });

  it('shows a department whose parent is gone at the top, and one on a cycle rather than losing it', () => {
    const broken = [node('x', 'missing'), node('p', 'q'), node('q', 'p')];
    expect(flattenTree(broken).map((n) => `${n.depth}${n.id}`)).toEqual(['0x', '0p', '1q']);
  });

  it('finds a department and everything below it', () => {
    expect([...subtreeIds(nodes, 'a')].sort()).toEqual(['a', 'b', 'c', 'e']);
    expect([...subtreeIds(nodes, 'c')]).toEqual(['c']);
  });

  it('knows when a move would make a department its own ancestor', () => {
    expect(createsCycle(nodes, 'a', 'a')).toBe(true);
    expect(createsCycle(nodes, 'a', 'c')).toBe(true);
    expect(createsCycle(nodes, 'c', 'a')).toBe(false);
    expect(createsCycle(nodes, 'a', 'd')).toBe(false);
    expect(createsCycle(nodes, 'a', null)).toBe(false);
  });
});
