/** Confirmation before any action, in a native modal <dialog> (focus kept inside, Escape cancels). */
const dialog = () => document.getElementById('confirm') as HTMLDialogElement;

/**
 * Asks the viewer; resolves true when they confirm.
 *
 * @example
 * ```ts
 * if (await confirmAction('Retry job?', 'It runs again now.', 'Retry')) await post(...);
 * ```
 */
export function confirmAction(title: string, text: string, okLabel: string): Promise<boolean> {
  const d = dialog();
  d.querySelector('#confirm-title')!.textContent = title;
  d.querySelector('#confirm-text')!.textContent = text;
  d.querySelector('#confirm-ok')!.textContent = okLabel;
  d.returnValue = '';
  d.showModal();
  (d.querySelector('#confirm-ok') as HTMLButtonElement).focus();
  return new Promise((resolve) => d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true }));
}

/** True while a confirmation is open (polling waits, so the page does not change under the viewer). */
export function confirming(): boolean {
  return dialog().open;
}
