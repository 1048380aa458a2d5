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
    // `close` is queued as a task: one still arriving after the dialog was shown again (React's StrictMode runs the
    // effect, its cleanup, and the effect again) closes nothing.
    <dialog ref={ref} className="modal" aria-labelledby={labelledBy} onClose={(event) => event.currentTarget.open || onClose()}>
      {children}
    </dialog>
  );
}
