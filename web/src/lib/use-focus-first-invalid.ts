import { useCallback, useEffect, useRef, useState } from 'react';

/** After a failed submit has rendered its errors, moves focus to the first invalid field of the form. */
export function useFocusFirstInvalid() {
  const formRef = useRef<HTMLFormElement>(null);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [failures]);
  const failed = useCallback(() => setFailures((n) => n + 1), []);
  return { formRef, failed };
}
