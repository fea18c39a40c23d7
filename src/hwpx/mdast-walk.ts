import type { Nodes } from 'mdast'

/**
 * Calls `visit` on `root` and every node below it, in document order. Uses
 * its own stack rather than recursion: Markdown nests without limit and the
 * call stack would overflow long before the parser's.
 */
export function forEachNode (root: Nodes, visit: (node: Nodes) => void): void {
  const stack: Nodes[] = [root]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    visit(node)
    if ('children' in node) {
      for (let index = node.children.length - 1; index >= 0; index--) stack.push(node.children[index] as Nodes)
    }
  }
}
