import { useSearchParams } from 'react-router';

export interface CursorPages {
  /** The cursor of the page shown; undefined on the first. */
  cursor: string | undefined;
  /** 1-based. */
  page: number;
  previous(): void;
  next(cursor: string): void;
}

/** The URL parameter holding the cursors of the pages up to the one shown, so a reload, back/forward or a shared link shows the same page. */
export const PAGES_PARAM = 'after';

// Cursors are base64url, so a dot never occurs in one.
const SEPARATOR = '.';

/**
 * Page-by-page cursor paging kept in the URL: each page is a history entry. Whoever changes what
 * the list shows (a filter, a sort) drops PAGES_PARAM with it, which starts again from the first page.
 */
export function useCursorPages(): CursorPages {
  const [params, setParams] = useSearchParams();
  const cursors = params.get(PAGES_PARAM)?.split(SEPARATOR).filter(Boolean) ?? [];
  const go = (trail: string[]) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (trail.length === 0) next.delete(PAGES_PARAM);
      else next.set(PAGES_PARAM, trail.join(SEPARATOR));
      return next;
    });
  return {
    cursor: cursors.at(-1),
    page: cursors.length + 1,
    previous: () => go(cursors.slice(0, -1)),
    next: (cursor) => go([...cursors, cursor]),
  };
}
