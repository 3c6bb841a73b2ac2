/** ZITADEL refuses search filters nested deeper than this. */
export const MAX_FILTER_NESTING = 20;

/** Levels of a filter tree: a leaf is 1. Iterative, so a hostile tree cannot overflow the stack. */
export function nestingOf(root: unknown): number {
  let deepest = 0;
  const stack: Array<[Record<string, unknown>, number]> = [[root as Record<string, unknown>, 1]];
  while (stack.length > 0) {
    const [filter, level] = stack.pop()!;
    deepest = Math.max(deepest, level);
    if (deepest > MAX_FILTER_NESTING) return deepest;
    const children: unknown[] = [];
    for (const member of ['orFilter', 'andFilter']) {
      const queries = (filter?.[member] as { queries?: unknown[] } | undefined)?.queries;
      if (Array.isArray(queries)) children.push(...queries);
    }
    const not = filter?.notFilter as { filter?: unknown; query?: unknown } | undefined;
    if (not?.filter) children.push(not.filter);
    if (not?.query) children.push(not.query);
    for (const child of children) if (child && typeof child === 'object') stack.push([child as Record<string, unknown>, level + 1]);
  }
  return deepest;
}
