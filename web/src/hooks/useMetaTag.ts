import { useEffect } from "react";

/**
 * Puts `<meta name={name} content={content}>` in the document's head while the component is
 * mounted (replacing one of the same name for that time, which comes back afterwards).
 */
export function useMetaTag(name: string, content: string): void {
  useEffect(() => {
    const previous = document.head.querySelector<HTMLMetaElement>(`meta[name="${name}"]`);
    const before = previous?.content ?? null;
    const meta = previous ?? document.createElement("meta");
    meta.name = name;
    meta.content = content;
    if (!previous) document.head.appendChild(meta);
    return () => {
      if (previous && before !== null) previous.content = before;
      else meta.remove();
    };
  }, [name, content]);
}
