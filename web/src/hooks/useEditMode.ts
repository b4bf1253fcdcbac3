import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import type { Segment, TranscriptEdit } from "../api/types";
import { caretForWord, draftProblem, editableText, isPlayShortcut, removesSegment, textEdit } from "../lib/edits";
import type { TranscriptEditor } from "./useTranscriptEditor";

/** The segment being edited: its index, the field's text, where the caret started. */
export interface OpenSegment {
  index: number;
  draft: string;
  caret: number;
}

/**
 * The transcript view's edit mode: whether it is on, the one segment open in an editor (its
 * draft kept here, so that leaving the segment can save it), the deletion being confirmed, focus
 * back on a segment once its editor closes, and Alt+K playing or pausing the recording.
 */
export function useEditMode(editor: TranscriptEditor | undefined, segments: Segment[], audio: HTMLAudioElement | null, container: RefObject<HTMLElement>) {
  const [editing, setEditing] = useState(false);
  const [open, setOpen] = useState<OpenSegment | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const focusAfter = useRef<number | null>(null);
  const editMode = Boolean(editor) && editing;
  const opened = editMode && open && segments[open.index] ? open : null;
  const saving = editor?.state.kind === "saving";

  /** Closes the editor; focus goes back to the segment (or where it was, if it is gone). */
  const close = (index: number) => {
    focusAfter.current = index;
    setOpen(null);
  };
  useEffect(() => {
    if (opened || focusAfter.current === null) return;
    const at = Math.min(focusAfter.current, segments.length - 1);
    focusAfter.current = null;
    container.current?.querySelector<HTMLElement>(`[data-segment="${at}"] .segment-edit`)?.focus();
  }, [opened, segments, container]);

  /**
   * Leaves the open segment: its changed text is saved (true once it is, or at once when there is
   * nothing to save); an emptied field is dropped, as deleting asks first.
   */
  const commitOpen = (): true | Promise<boolean> => {
    if (!editor || !opened) return true;
    const edit = textEdit(segments[opened.index], opened.index, opened.draft);
    if (!edit || removesSegment(edit) || editor.state.kind === "conflict") {
      setOpen(null);
      return true;
    }
    if (draftProblem(opened.draft)) return Promise.resolve(false);
    return editor.apply(edit).then((saved) => {
      if (saved) setOpen(null);
      return saved;
    });
  };

  const openSegment = (index: number, word: number) => {
    if (!editor || saving || opened?.index === index) return;
    const show = () => {
      const segment = segments[index];
      if (segment) setOpen({ index, draft: editableText(segment).text, caret: caretForWord(segment, word) });
    };
    const left = commitOpen();
    if (left === true) show();
    else void left.then((saved) => saved && show());
  };
  // The segments are memoized: they get one handler that always calls the latest.
  const openRef = useRef(openSegment);
  openRef.current = openSegment;
  const onEdit = useCallback((index: number, word: number) => openRef.current(index, word), []);

  /** Enter or Save: the changed text is saved (an emptied one asks to delete the segment first). */
  const save = async () => {
    if (!editor || !opened) return;
    const edit = textEdit(segments[opened.index], opened.index, opened.draft);
    if (!edit) return close(opened.index);
    if (removesSegment(edit)) return setDeleting(opened.index);
    if (await editor.apply(edit)) close(opened.index);
  };

  const applyAndClose = async (edit: TranscriptEdit, index: number) => {
    if (editor && (await editor.apply(edit))) close(index);
  };

  const confirmDelete = async () => {
    if (!editor || deleting === null) return;
    const index = deleting;
    if (await editor.apply({ segment: index, text: "" })) close(index);
  };

  /** Edit, or Done editing (which saves the open segment's changed text first). */
  const toggle = () => {
    if (!editing) return setEditing(true);
    const left = commitOpen();
    if (left === true) setEditing(false);
    else void left.then((saved) => saved && setEditing(false));
  };

  const undo = async () => {
    if (!editor) return;
    if (opened) setOpen(null);
    await editor.undo();
  };

  // Alt+K plays or pauses while editing, wherever the focus is.
  useEffect(() => {
    if (!editMode || !audio) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (!isPlayShortcut(event)) return;
      event.preventDefault();
      if (audio.paused) void audio.play().catch(() => undefined);
      else audio.pause();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [editMode, audio]);

  return {
    editMode,
    opened,
    saving,
    deleting,
    setDeleting,
    /** Whether the open segment's text differs from the saved one. */
    openDirty: opened ? textEdit(segments[opened.index], opened.index, opened.draft) !== null : false,
    setDraft: (draft: string) => setOpen((current) => current && { ...current, draft }),
    onEdit,
    close,
    save,
    applyAndClose,
    confirmDelete,
    toggle,
    undo,
    /** After a reload or a revert: the open segment closes, its change dropped. */
    reset: () => setOpen(null),
  };
}
