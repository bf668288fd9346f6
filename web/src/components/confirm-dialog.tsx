import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './button';

interface ConfirmDialogProps {
  /** The question, naming the action and what it acts on: "Cancel order #1042?". */
  title: string;
  /** What will happen, said before it does. */
  children: ReactNode;
  confirmLabel: string;
  /** The action is running: the dialog stays until its outcome is known. */
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * The one way the app asks before an action that cannot be undone: rendered while the question is
 * open, as a modal <dialog> (focus stays inside, Escape goes back). Focus starts on "Go back", the
 * safe choice, and returns to whatever opened the dialog.
 */
export function ConfirmDialog({ title, children, confirmLabel, pending = false, onConfirm, onCancel }: ConfirmDialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();

  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>('[data-safe-choice]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // A dialog removed from the page does not give focus back by itself; what took it since (a field to fix) keeps it.
      const { activeElement } = document;
      if (!activeElement || activeElement === document.body || dialog.contains(activeElement)) opener?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role="alertdialog"
      className="confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={(event) => {
        // Escape: the parent's state says whether the dialog is open, and an action under way cannot be taken back.
        event.preventDefault();
        if (!pending) onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-text`} className="confirm-dialog-text">
        {children}
      </div>
      <div className="row-actions">
        <Button variant="secondary" data-safe-choice disabled={pending} onClick={onCancel}>
          {t('confirm.back')}
        </Button>
        <Button variant="danger" pending={pending} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
