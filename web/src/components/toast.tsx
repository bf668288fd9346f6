import { useAnnouncement } from '../lib/announcer';

/** The latest announcement, as a toast; the region is always there, so what appears in it is read out. */
export function Toast() {
  const announcement = useAnnouncement();
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {announcement && (
        <p key={announcement.id} className="toast">
          {announcement.text}
        </p>
      )}
    </div>
  );
}
