import { useEffect, useRef, type ReactNode } from "react";

/**
 * A native modal `<dialog>`: the browser traps focus inside, Escape closes it, and focus returns to what opened it.
 */
export function ModalDialog({ labelledBy, onClose, children }: { labelledBy: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} className="modal" aria-labelledby={labelledBy} onClose={onClose}>
      {children}
    </dialog>
  );
}
