import { useId, useState, type DragEvent } from "react";
import { formatBytes } from "../lib/format";
import { ACCEPT } from "../lib/media";
import { Icon } from "./Icon";

interface DropzoneProps {
  file: File | null;
  onFile: (file: File | null) => void;
  disabled?: boolean;
  hint?: string;
  describedBy?: string;
  invalid?: boolean;
}

/**
 * Drop a file on it or pick one. The file input itself stays in the tab order (visually hidden,
 * its focus shown on the zone), so the picker opens from the keyboard as from a click.
 */
export function Dropzone({ file, onFile, disabled, hint, describedBy, invalid }: DropzoneProps) {
  const id = useId();
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const dropped = event.dataTransfer.files?.[0];
    if (dropped) onFile(dropped);
  };

  if (file) {
    return (
      <div className="file-card">
        <span className="file-card-icon" aria-hidden="true">
          <Icon name="file" size={22} />
        </span>
        <div className="file-card-text">
          <span className="file-card-name">{file.name}</span>
          <span className="file-card-meta">
            {formatBytes(file.size)}
            {file.type ? ` · ${file.type}` : ""}
          </span>
        </div>
        <button type="button" className="button button-ghost button-small" onClick={() => onFile(null)} disabled={disabled} aria-label={`Remove ${file.name}`}>
          <Icon name="x" size={16} />
          Remove
        </button>
      </div>
    );
  }

  return (
    <div
      className={`dropzone${over ? " dropzone-over" : ""}${invalid ? " dropzone-invalid" : ""}`}
      onDragEnter={(event) => {
        event.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = disabled ? "none" : "copy";
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <input
        id={id}
        className="visually-hidden dropzone-input"
        type="file"
        accept={ACCEPT}
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(event) => {
          const picked = event.target.files?.[0] ?? null;
          event.target.value = "";
          if (picked) onFile(picked);
        }}
      />
      <label htmlFor={id} className="dropzone-label">
        <span className="dropzone-icon" aria-hidden="true">
          <Icon name="upload" size={28} />
        </span>
        <span className="dropzone-title">
          <span className="dropzone-pick">Choose a file</span> or drag it here
        </span>
        {hint && <span className="dropzone-hint">{hint}</span>}
      </label>
    </div>
  );
}
