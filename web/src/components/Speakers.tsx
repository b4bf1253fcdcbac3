import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { messageOf } from "../api/errors";
import { speakerNameProblem, trimSpace, type SpeakerInfo } from "../lib/speakers";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";

interface SpeakerNameProps {
  speaker: SpeakerInfo;
  /** Renames the speaker to the trimmed name; rejects with what went wrong. Without it the name is plain text. */
  onRename?: (id: string, name: string) => Promise<void>;
}

/**
 * A speaker's name above a turn, in the speaker's colour beside a swatch (the name, not the
 * colour, tells speakers apart). Click it to rename in place: Enter saves, Escape cancels; the
 * service's rule is checked before sending, and its message is shown when it refuses.
 */
export function SpeakerName({ speaker, onRename }: SpeakerNameProps) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(speaker.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const errorId = useId();

  useEffect(() => {
    if (editing) {
      input.current?.focus();
      input.current?.select();
    } else if (wasEditing.current) {
      button.current?.focus();
    }
    wasEditing.current = editing;
  }, [editing]);

  const start = () => {
    setName(speaker.name);
    setError(null);
    setEditing(true);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!onRename || busy) return;
    const trimmed = trimSpace(name);
    if (trimmed === speaker.name) {
      setEditing(false);
      return;
    }
    const problem = speakerNameProblem(name);
    if (problem) {
      setError(problem);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onRename(speaker.id, trimmed);
      setEditing(false);
    } catch (caught) {
      setError(messageOf(caught));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && !busy) {
      event.preventDefault();
      event.stopPropagation();
      setEditing(false);
    }
  };

  if (!onRename) {
    return (
      <p className="speaker-label">
        <span className="speaker-swatch" aria-hidden="true" />
        <span className="speaker-name">{speaker.name}</span>
      </p>
    );
  }
  if (editing) {
    return (
      <form className="rename-form speaker-rename" onSubmit={save} onKeyDown={onKeyDown} noValidate>
        <span className="speaker-swatch" aria-hidden="true" />
        <input
          ref={input}
          className="input input-small"
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-label={`New name for ${speaker.name}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          disabled={busy}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="button button-primary button-small" disabled={busy}>
          {busy && <Spinner />}
          Save
        </button>
        <button type="button" className="button button-ghost button-small" onClick={() => setEditing(false)} disabled={busy}>
          Cancel
        </button>
        {error && (
          <p id={errorId} className="field-error" role="alert">
            <Icon name="alert" size={14} /> {error}
          </p>
        )}
      </form>
    );
  }
  return (
    <p className="speaker-label">
      <button ref={button} type="button" className="speaker-button" onClick={start} aria-label={`Rename ${speaker.name}`} title="Rename this speaker">
        <span className="speaker-swatch" aria-hidden="true" />
        <span className="speaker-name">{speaker.name}</span>
        <Icon name="pencil" size={14} className="speaker-edit-icon" />
      </button>
    </p>
  );
}

interface SpeakerFilterProps {
  speakers: SpeakerInfo[];
  /** The speaker shown alone, or null for everyone. */
  value: string | null;
  onChange: (id: string | null) => void;
}

/** Chips that show one speaker's turns only, or everyone's (radio buttons: one choice, arrow keys move it). */
export function SpeakerFilter({ speakers, value, onChange }: SpeakerFilterProps) {
  const name = useId();
  const chip = (id: string | null, label: string, colour?: number) => (
    <label key={id ?? ""} className={`chip${colour === undefined ? "" : ` speaker-${colour}`}${value === id ? " is-selected" : ""}`} data-speaker={id ?? undefined}>
      <input type="radio" name={name} checked={value === id} onChange={() => onChange(id)} />
      {value === id && <Icon name="check" size={14} />}
      {colour !== undefined && <span className="speaker-swatch" aria-hidden="true" />}
      {label}
    </label>
  );
  return (
    <fieldset className="speaker-filter">
      <legend className="visually-hidden">Show the turns of</legend>
      {chip(null, "All speakers")}
      {speakers.map((speaker) => chip(speaker.id, speaker.name, speaker.colour))}
    </fieldset>
  );
}
