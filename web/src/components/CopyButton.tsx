import { useEffect, useState } from "react";
import { copyText } from "../lib/browser";
import { Icon } from "./Icon";
import { useToast } from "./Toasts";

/** Copies `text`, says so on the button for a moment and through the toasts' live region. */
export function CopyButton({ text, label = "Copy", copiedMessage = "Copied to the clipboard", className = "button button-secondary" }: { text: string; label?: string; copiedMessage?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  const notify = useToast();
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await copyText(text);
      setCopied(true);
      notify(copiedMessage);
    } catch (error) {
      notify(error instanceof Error ? error.message : "Copying failed.", "error");
    }
  };
  return (
    <button type="button" className={className} onClick={copy}>
      <Icon name={copied ? "check" : "copy"} />
      <span>{copied ? "Copied" : label}</span>
    </button>
  );
}
