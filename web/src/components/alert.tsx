import type { ReactNode } from 'react';

/** Errors interrupt (role=alert); information and success wait their turn (role=status). */
export function Alert({ tone = 'error', title, children }: { tone?: 'error' | 'info' | 'success'; title?: ReactNode; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <p className="alert-title">{title}</p>}
      <div>{children}</div>
    </div>
  );
}
