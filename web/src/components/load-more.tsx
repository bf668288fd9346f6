import { useTranslation } from 'react-i18next';
import { Button } from './button';

/** "Load more" under a list read page by page (a TanStack infinite query); nothing on the last page. */
export function LoadMore({ query }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> } }) {
  const { t } = useTranslation();
  if (!query.hasNextPage) return null;
  return (
    <div className="center">
      <Button variant="secondary" pending={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {t('common.loadMore')}
      </Button>
    </div>
  );
}
