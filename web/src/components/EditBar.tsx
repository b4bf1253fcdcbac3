import { useState } from "react";
import type { TranscriptEditor } from "../hooks/useTranscriptEditor";
import { saveLabel } from "../lib/edits";
import { Alert } from "./Alert";
import { ConfirmDialog } from "./Dialog";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";

/**
 * Above the transcript in edit mode: whether the edits are saved (a live status), Undo, Revert to
 * original (after confirming), how editing works, and what to do about a conflict or a failure.
 */
export function EditBar({ editor, onReset, onUndo, undoBlocked }: {
  editor: TranscriptEditor;
  /** After a reload or a revert: the open segment (if any) closes, its change dropped. */
  onReset: () => void;
  onUndo: () => void;
  /** Why Undo waits (a changed segment is open), if it does. */
  undoBlocked?: string;
}) {
  const [reverting, setReverting] = useState(false);
  const [reloading, setReloading] = useState(false);
  const { state } = editor;
  const saving = state.kind === "saving";
  const reload = async () => {
    setReloading(true);
    try {
      await editor.reload();
      onReset();
    } finally {
      setReloading(false);
    }
  };
  const revert = async () => {
    await editor.revert();
    onReset();
  };
  const reloadButton = (
    <button type="button" className="button button-secondary button-small" data-testid="edit-reload" onClick={reload} disabled={reloading}>
      {reloading ? <Spinner /> : <Icon name="refresh" size={16} />}
      Reload
    </button>
  );
  return (
    <div className="edit-panel">
      <div className="edit-bar" data-testid="edit-bar">
        <span id="edit-status" className={`edit-status edit-status-${state.kind}`} role="status" aria-live="polite" data-testid="edit-status" data-state={state.kind}>
          {saving ? <Spinner /> : <Icon name={state.kind === "saved" ? "check" : "alert"} size={16} />}
          {saveLabel(state)}
        </span>
        <button
          type="button"
          className="button button-secondary button-small"
          data-testid="edit-undo"
          onClick={onUndo}
          disabled={!editor.undoLabel || saving || state.kind === "conflict" || Boolean(undoBlocked)}
          title={undoBlocked ?? (editor.undoLabel ? `Undo: ${editor.undoLabel}` : "Nothing to undo")}
        >
          <Icon name="refresh" size={16} />
          Undo
        </button>
        <button type="button" className="button button-ghost button-small button-danger-text" data-testid="edit-revert" onClick={() => setReverting(true)} disabled={saving}>
          Revert to original…
        </button>
      </div>
      <p id="edit-hint" className="edit-hint">
        Click a segment to edit it: Enter saves, Escape cancels. Changes are saved at once. <kbd>Alt</kbd>+<kbd>K</kbd> plays or pauses the recording.
      </p>
      {state.kind === "conflict" && (
        <Alert title="This transcript was changed elsewhere" action={reloadButton}>
          <span data-testid="edit-conflict">
            Your last change was not saved: someone changed the transcript meanwhile
            {state.version !== undefined ? ` (it is at version ${state.version} now)` : ""}. Reload to get the latest version; the change you have not saved will be lost.
          </span>
        </Alert>
      )}
      {state.kind === "error" && (
        <Alert title="Not saved" action={reloadButton}>
          <span data-testid="edit-error">{state.message} Try again, or reload the transcript (the change you have not saved will be lost).</span>
        </Alert>
      )}
      {reverting && (
        <ConfirmDialog title="Revert to the original transcript?" confirmLabel="Revert" danger onConfirm={revert} onClose={() => setReverting(false)}>
          <p>Every edit of the text, the segments and their speakers is undone: the transcript goes back to what the machine wrote. Undo can't bring the edits back.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
