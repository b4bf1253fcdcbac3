/** A busy indicator with its words ("Loading transcripts…") for everyone. */
export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function Spinner() {
  return <span className="spinner spinner-inline" aria-hidden="true" />;
}
