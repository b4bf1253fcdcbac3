import { useState, type FormEvent } from "react";
import { messageOf } from "../api/errors";
import { useApi } from "../auth";
import { GLOSSARY_HINT, parseVocabulary, vocabularyLines } from "../lib/vocabulary";
import { Alert } from "./Alert";
import { TextAreaField } from "./Field";
import { Spinner } from "./Spinner";

/**
 * The account's glossary: terms (one per line) the service adds to every new job's words to
 * expect. Saving replaces the whole list; the field then shows the list as the service kept it.
 */
export function GlossaryForm({ initial, onSaved }: { initial: readonly string[]; onSaved?: (terms: string[]) => void }) {
  const api = useApi();
  const [text, setText] = useState(() => vocabularyLines(initial));
  const [saved, setSaved] = useState<readonly string[]>(initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    setError(null);
    const parsed = parseVocabulary(text, { commas: false });
    if ("problem" in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const terms = await api.setVocabulary(parsed.terms);
      setSaved(terms);
      setText(vocabularyLines(terms));
      setDone(true);
      onSaved?.(terms);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="glossary-heading">
      <TextAreaField
        label="Terms"
        rows={5}
        placeholder={"Kennedy\nTranscriptor"}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setDone(false);
        }}
        error={problem}
        hint={GLOSSARY_HINT}
        disabled={busy}
        autoComplete="off"
        spellCheck={false}
        data-testid="glossary-input"
      />
      <div data-testid="glossary-status" aria-live="polite">
        {error ? (
          <Alert>{error}</Alert>
        ) : done ? (
          <Alert tone="success">
            {saved.length ? `The glossary is saved: ${saved.length} ${saved.length === 1 ? "term" : "terms"}.` : "The glossary is saved, empty."}
          </Alert>
        ) : null}
        {saved.length > 0 && (
          <ul className="tag-list" aria-label="Saved glossary">
            {saved.map((term) => (
              <li key={term}>
                <span className="tag">{term}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="glossary-save">
          {busy && <Spinner />}
          Save glossary
        </button>
      </div>
    </form>
  );
}
