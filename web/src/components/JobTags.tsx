import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { messageOf } from "../api/errors";
import { dashboardPath, parseTags, TAGS_HINT, tagsText } from "../lib/tags";
import { Link } from "../router";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";

/** A job's tags as small chips, each a link to the dashboard filtered by it (`tagHref`). */
export function TagChips({ tags, tagHref }: { tags: readonly string[]; tagHref?: (tag: string) => string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          {tagHref ? (
            <Link to={tagHref(tag)} className="tag tag-link" data-tag={tag} aria-label={`Show transcripts tagged “${tag}”`} title={`Show transcripts tagged “${tag}”`}>
              <Icon name="tag" size={12} />
              {tag}
            </Link>
          ) : (
            <span className="tag" data-tag={tag}>
              <Icon name="tag" size={12} />
              {tag}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The job page's tags: chips that lead to the dashboard filtered by a tag, and an editor (one
 * comma-separated line: Enter saves, Escape cancels) checked against the service's rule first.
 */
export function JobTags({ tags, onSave }: { tags: readonly string[]; onSave: (tags: string[]) => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    if (editing) input.current?.focus();
    else if (wasEditing.current) button.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const start = () => {
    setText(tagsText(tags));
    setError(null);
    setEditing(true);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseTags(text);
    if ("problem" in parsed) {
      setError(parsed.problem);
      input.current?.focus();
      return;
    }
    if (parsed.tags.length === tags.length && parsed.tags.every((tag, i) => tag === tags[i])) {
      setEditing(false);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSave(parsed.tags);
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

  if (editing) {
    return (
      <form className="rename-form job-tags-form" onSubmit={save} onKeyDown={onKeyDown} noValidate data-testid="job-tags-form">
        <label htmlFor="job-tags-input" className="visually-hidden">
          Tags
        </label>
        <input
          ref={input}
          id="job-tags-input"
          data-testid="job-tags-input"
          className="input input-small"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="interview, 2026"
          aria-invalid={error ? true : undefined}
          aria-describedby={`job-tags-hint${error ? " job-tags-error" : ""}`}
          disabled={busy}
          autoComplete="off"
        />
        <button type="submit" className="button button-primary button-small" data-testid="job-tags-save" disabled={busy}>
          {busy && <Spinner />}
          Save tags
        </button>
        <button type="button" className="button button-ghost button-small" onClick={() => setEditing(false)} disabled={busy}>
          Cancel
        </button>
        <p id="job-tags-hint" className="field-hint">
          {TAGS_HINT}
        </p>
        {error && (
          <p id="job-tags-error" className="field-error" role="alert">
            <Icon name="alert" size={14} /> {error}
          </p>
        )}
      </form>
    );
  }
  return (
    <div className="job-tags" data-testid="job-tags">
      <TagChips tags={tags} tagHref={(tag) => dashboardPath({ tag })} />
      <button ref={button} type="button" className="button button-ghost button-small" data-testid="job-tags-edit" onClick={start}>
        <Icon name="tag" size={14} />
        {tags.length ? "Edit tags" : "Add tags"}
      </button>
    </div>
  );
}
