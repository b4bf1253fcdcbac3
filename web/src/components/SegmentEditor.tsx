import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { Segment } from "../api/types";
import { draftProblem, splitAtCaret, textEdit } from "../lib/edits";
import { formatTimestamp } from "../lib/format";
import type { SpeakerInfo } from "../lib/speakers";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";

interface SegmentEditorProps {
  segment: Segment;
  index: number;
  /** The field's text (the parent keeps it, so that leaving the segment can save it). */
  draft: string;
  onDraft: (text: string) => void;
  /** Where the caret starts (the clicked word). */
  initialCaret: number;
  /** The transcript's speakers, for the speaker choice; empty without speakers. */
  speakers: SpeakerInfo[];
  /** A save is under way: nothing can be changed until it is answered. */
  busy: boolean;
  /** Edits are not possible now (a conflict): the text stays readable, to copy. */
  locked: boolean;
  isLast: boolean;
  onSave: () => void;
  onCancel: () => void;
  onSplit: (atWord: number) => void;
  onMerge: () => void;
  onSpeaker: (speaker: string) => void;
  onDelete: () => void;
}

/**
 * One segment being edited: its text in a field (Enter saves, Escape cancels), and what can be
 * done to the segment as saved: split it at the caret's word, merge it with the next, give it
 * another speaker, delete it. Splitting and merging work on the saved text, so they wait until
 * a changed text is saved or cancelled.
 */
export function SegmentEditor(props: SegmentEditorProps) {
  const { segment, index, draft, onDraft, initialCaret, speakers, busy, locked, isLast } = props;
  const field = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(initialCaret);
  const at = formatTimestamp(segment.start);
  const dirty = textEdit(segment, index, draft) !== null;
  const problem = draftProblem(draft);
  const split = dirty ? null : splitAtCaret(segment, caret);
  const disabled = busy || locked;
  const fieldId = `segment-editor-${index}`;

  useEffect(() => {
    const element = field.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(initialCaret, initialCaret);
    // Only when the editor opens: the caret is the person's from then on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.nativeEvent.isComposing) {
      // No line breaks in a segment: Enter (with Shift too) saves.
      event.preventDefault();
      if (!disabled && !problem) props.onSave();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      props.onCancel();
    }
  };
  const trackCaret = () => {
    const element = field.current;
    if (element) setCaret(element.selectionStart ?? 0);
  };
  // Buttons beside the field keep its caret (and focus) when pressed with a mouse.
  const keepFocus = (event: { preventDefault: () => void }) => event.preventDefault();

  return (
    <div className="segment-editor" data-testid="segment-editor-panel">
      <label htmlFor={fieldId} className="visually-hidden">
        Text of the segment at {at}
      </label>
      <textarea
        ref={field}
        id={fieldId}
        data-testid="segment-editor"
        className="input segment-field"
        value={draft}
        rows={Math.min(8, Math.max(2, Math.ceil(draft.length / 70)))}
        onChange={(event) => onDraft(event.target.value)}
        onKeyDown={onKeyDown}
        onSelect={trackCaret}
        onKeyUp={trackCaret}
        onClick={trackCaret}
        readOnly={disabled}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`edit-hint${problem ? ` ${fieldId}-error` : ""}`}
        aria-keyshortcuts="Alt+K"
        spellCheck
      />
      {problem && (
        <p id={`${fieldId}-error`} className="field-error" role="alert">
          <Icon name="alert" size={14} /> {problem}
        </p>
      )}
      <div className="segment-actions">
        <button type="button" className="button button-primary button-small" data-testid="segment-save" onClick={props.onSave} disabled={disabled || Boolean(problem)}>
          {busy && <Spinner />}
          Save
        </button>
        <button type="button" className="button button-ghost button-small" data-testid="segment-cancel" onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
        <span className="segment-actions-gap" aria-hidden="true" />
        <button
          type="button"
          className="button button-secondary button-small"
          data-testid="segment-split"
          onMouseDown={keepFocus}
          onClick={() => split !== null && props.onSplit(split)}
          disabled={disabled || split === null}
          title={dirty ? "Save or cancel the new text first" : "The word at the cursor starts the second part"}
        >
          Split at cursor
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          data-testid="segment-merge"
          onMouseDown={keepFocus}
          onClick={props.onMerge}
          disabled={disabled || dirty || isLast}
          title={dirty ? "Save or cancel the new text first" : isLast ? "This is the last segment" : undefined}
        >
          Merge with next
        </button>
        {speakers.length > 0 && (
          <span className="segment-speaker">
            <label htmlFor={`${fieldId}-speaker`}>Speaker</label>
            <select
              id={`${fieldId}-speaker`}
              data-testid="segment-speaker"
              className="input input-small select"
              value={segment.speaker ?? ""}
              onChange={(event) => event.target.value && props.onSpeaker(event.target.value)}
              disabled={disabled}
            >
              {segment.speaker === undefined && <option value="">No speaker</option>}
              {speakers.map((speaker) => (
                <option key={speaker.id} value={speaker.id}>
                  {speaker.name}
                </option>
              ))}
            </select>
          </span>
        )}
        <button
          type="button"
          className="button button-ghost button-small button-danger-text"
          data-testid="segment-delete"
          onClick={props.onDelete}
          disabled={disabled}
          aria-label={`Delete the segment at ${at}`}
        >
          <Icon name="trash" size={16} />
          Delete
        </button>
      </div>
    </div>
  );
}
