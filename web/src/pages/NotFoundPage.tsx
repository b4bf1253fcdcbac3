import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { Link } from "../router";

export function NotFoundPage() {
  useDocumentTitle("Page not found");
  return (
    <div className="page page-narrow">
      <div className="empty">
        <h1 tabIndex={-1}>Page not found</h1>
        <p>There is nothing at this address. It may have moved, or the link may be incomplete.</p>
        <Link to="/" className="button button-primary">
          Go to your transcripts
        </Link>
      </div>
    </div>
  );
}
