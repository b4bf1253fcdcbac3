import { useEffect } from "react";

/** Sets the tab's title: "Page · Transcriptor". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Transcriptor` : "Transcriptor";
  }, [title]);
}
