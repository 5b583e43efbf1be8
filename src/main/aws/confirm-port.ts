/**
 * How main asks the person at the keyboard to confirm a change: a native dialog in the app
 * (electron-confirm-dialog.ts), a stand-in in tests that answers yes or no and records the text.
 * The renderer can only ask for a change; this port's answer is what applies it, so script in a
 * compromised page cannot change users on its own.
 */
export interface ConfirmRequest {
  /** One line naming the operation and its target: `Disable the user "bob"?`. */
  message: string;
  /** What it will do, in a sentence. */
  detail: string;
  /** The button that applies it: "Disable". */
  confirmLabel: string;
  cancelLabel: string;
}

export interface ConfirmPort {
  /** True only when the person chose the confirm button. Never rejects (an error is a no). */
  confirm(request: ConfirmRequest): Promise<boolean>;
}

/** Without a dialog (tools, tests that do not change anything): every change is refused. */
export const refuseAll: ConfirmPort = { confirm: async () => false };
