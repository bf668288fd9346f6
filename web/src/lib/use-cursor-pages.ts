import { useState } from 'react';

export interface CursorPages {
  /** The cursor of the page shown; undefined on the first. */
  cursor: string | undefined;
  /** 1-based. */
  page: number;
  previous(): void;
  next(cursor: string): void;
}

/**
 * Page-by-page cursor paging: the cursors of the pages behind the current one. Whenever `scope`
 * changes (another filter, another product) it starts again from the first page.
 */
export function useCursorPages(scope: string): CursorPages {
  const [state, setState] = useState<{ scope: string; cursors: (string | undefined)[] }>({ scope, cursors: [undefined] });
  const cursors = state.scope === scope ? state.cursors : [undefined];
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    previous: () => setState({ scope, cursors: cursors.slice(0, -1) }),
    next: (cursor) => setState({ scope, cursors: [...cursors, cursor] }),
  };
}
