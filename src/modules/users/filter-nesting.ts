import { invalidArgument } from '../../common/errors/zitadel-error';

/** ZITADEL refuses search filters nested deeper than this. */
export const MAX_FILTER_NESTING = 20;
/**
 * Filters in one search, nested ones included. ZITADEL sets no bound; without
 * one, ten thousand filters cost seconds of validation on the event loop.
 */
export const MAX_SEARCH_FILTERS = 100;

/**
 * Refuses a search whose filter tree is too deep or too large, on the raw
 * request, before validation spends time on it. Iterative, so a hostile tree
 * cannot overflow the stack; it stops at the first bound crossed.
 */
export function refuseOversizedFilters(request: unknown, nestingErrorId: string): void {
  const filters = (request as { filters?: unknown } | null)?.filters;
  if (!Array.isArray(filters)) return;
  const stack: Array<[unknown, number]> = filters.map((filter) => [filter, 1]);
  let count = 0;
  while (stack.length > 0) {
    const [filter, level] = stack.pop()!;
    if (level > MAX_FILTER_NESTING) throw invalidArgument(nestingErrorId, `search filters may nest at most ${MAX_FILTER_NESTING} levels`);
    if (++count > MAX_SEARCH_FILTERS) throw invalidArgument('QUERY-Filters100', `a search may have at most ${MAX_SEARCH_FILTERS} filters, nested ones included`);
    for (const child of childrenOf(filter)) stack.push([child, level + 1]);
  }
}

function childrenOf(filter: unknown): unknown[] {
  if (!filter || typeof filter !== 'object') return [];
  const node = filter as Record<string, unknown>;
  const children: unknown[] = [];
  for (const member of ['orFilter', 'andFilter']) {
    const queries = (node[member] as { queries?: unknown } | undefined)?.queries;
    if (Array.isArray(queries)) children.push(...queries);
  }
  const not = node.notFilter as { filter?: unknown; query?: unknown } | undefined;
  if (not && typeof not === 'object') children.push(...[not.filter, not.query].filter((child) => child !== undefined));
  return children.filter((child) => child !== null && typeof child === 'object');
}
