import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { ApiError, messageOf } from "../api/errors";
import type { Transcript, TranscriptEdit } from "../api/types";
import { failedSave, inverseOf, pushUndo, type SaveState, type UndoEntry } from "../lib/edits";

/** The job page's side of editing a transcript: each edit saved at once against the version held. */
export interface TranscriptEditor {
  state: SaveState;
  /** What Undo would undo ("split a segment"), or null when there is nothing to undo. */
  undoLabel: string | null;
  /** Saves one edit (its indices those of the transcript shown); true once saved. */
  apply: (edit: TranscriptEdit) => Promise<boolean>;
  /** Undoes the last edit saved here (its inverse, sent as new edits); true once saved. */
  undo: () => Promise<boolean>;
  /** Fetches the transcript as it is now, dropping the conflict, the undo history and any unsaved change. */
  reload: () => Promise<void>;
  /** Puts the machine's original back. A conflict resolves (the page shows it); other failures reject. */
  revert: () => Promise<void>;
}

const NO_VERSION = "The service did not say which version of the transcript this is, so it can't be edited. Reload the page.";

/**
 * Keeps the transcript's edits in step with the service: one request at a time, each with
 * `If-Match` of the version the page holds (the answer's new version is held next). A 412 is a
 * conflict, which only Reload ends: the page's indices may no longer be the service's.
 */
export function useTranscriptEditor(api: ApiClient, jobId: string, transcript: Transcript | null, setTranscript: (next: Transcript) => void): TranscriptEditor {
  const [state, setState] = useState<SaveState>({ kind: "saved" });
  const [stack, setStack] = useState<UndoEntry[]>([]);
  const held = useRef(transcript);
  held.current = transcript;
  const busy = useRef(false);
  const conflicted = state.kind === "conflict";

  // Another job: nothing of the last one's editing carries over.
  useEffect(() => {
    setState({ kind: "saved" });
    setStack([]);
  }, [jobId]);

  /** Sends `edits` against the held version; the new transcript is held and shown. */
  const send = useCallback(
    async (edits: TranscriptEdit[]): Promise<Transcript | null> => {
      const version = held.current?.version;
      if (typeof version !== "number") {
        setState({ kind: "error", message: NO_VERSION });
        return null;
      }
      try {
        const next = await api.editTranscript(jobId, version, edits);
        held.current = next;
        setTranscript(next);
        return next;
      } catch (caught) {
        setState(caught instanceof ApiError ? failedSave(caught.status, caught.message, caught.body) : { kind: "error", message: messageOf(caught) });
        return null;
      }
    },
    [api, jobId, setTranscript],
  );

  const apply = useCallback(
    async (edit: TranscriptEdit) => {
      const before = held.current;
      if (busy.current || conflicted || !before) return false;
      busy.current = true;
      setState({ kind: "saving" });
      try {
        if (!(await send([edit]))) return false;
        setStack((current) => pushUndo(current, edit, inverseOf(before, [edit])));
        setState({ kind: "saved" });
        return true;
      } finally {
        busy.current = false;
      }
    },
    [send, conflicted],
  );

  const undo = useCallback(async () => {
    const entry = stack[stack.length - 1];
    if (busy.current || conflicted || !entry) return false;
    busy.current = true;
    setState({ kind: "saving" });
    try {
      for (const [step, edits] of entry.steps.entries()) {
        if (!(await send(edits))) {
          // Nothing was undone: the entry stays for another try. Half undone: it can't be retried.
          if (step > 0) setStack((current) => current.filter((item) => item !== entry));
          return false;
        }
      }
      setStack((current) => current.filter((item) => item !== entry));
      setState({ kind: "saved" });
      return true;
    } finally {
      busy.current = false;
    }
  }, [stack, send, conflicted]);

  const reload = useCallback(async () => {
    busy.current = true;
    setState({ kind: "saving" });
    try {
      const next = await api.transcript(jobId);
      held.current = next;
      setTranscript(next);
      setStack([]);
      setState({ kind: "saved" });
    } catch (caught) {
      // Editing on would only meet the conflict again; the message says what to try.
      setState({ kind: "error", message: `The transcript could not be reloaded: ${messageOf(caught)}` });
    } finally {
      busy.current = false;
    }
  }, [api, jobId, setTranscript]);

  const revert = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    try {
      const next = await api.revertTranscript(jobId, held.current?.version);
      held.current = next;
      setTranscript(next);
      setStack([]);
      setState({ kind: "saved" });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 412) {
        setState(failedSave(caught.status, caught.message, caught.body));
        return;
      }
      throw caught;
    } finally {
      busy.current = false;
    }
  }, [api, jobId, setTranscript]);

  const undoLabel = stack.length ? stack[stack.length - 1].label : null;
  return useMemo(() => ({ state, undoLabel, apply, undo, reload, revert }), [state, undoLabel, apply, undo, reload, revert]);
}
