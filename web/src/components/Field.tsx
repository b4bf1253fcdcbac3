import { useId, useState, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { Icon } from "./Icon";

interface FieldShellProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** A label, the control, a hint and an error message, wired together for assistive technology. */
export function FieldShell({ label, hint, error, optional, children }: FieldShellProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id} className="field-label">
        {label}
        {optional && <span className="field-optional"> (optional)</span>}
      </label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          <Icon name="alert" size={14} /> {error}
        </p>
      )}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  inputRef?: Ref<HTMLInputElement>;
};

export function TextField({ label, hint, error, optional, inputRef, ...input }: InputProps) {
  return (
    <FieldShell label={label} hint={hint} error={error} optional={optional}>
      {({ id, describedBy, invalid }) => (
        <input ref={inputRef} id={id} className="input" aria-describedby={describedBy} aria-invalid={invalid || undefined} {...input} />
      )}
    </FieldShell>
  );
}

/** A password input with a button that shows or hides what was typed. */
export function PasswordField({ label, hint, error, inputRef, ...input }: Omit<InputProps, "type" | "optional">) {
  const [visible, setVisible] = useState(false);
  return (
    <FieldShell label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <div className="input-group">
          <input
            ref={inputRef}
            id={id}
            className="input"
            type={visible ? "text" : "password"}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            autoCapitalize="off"
            spellCheck={false}
            {...input}
          />
          <button
            type="button"
            className="input-addon"
            onClick={() => setVisible((value) => !value)}
            aria-pressed={visible}
            aria-label={visible ? "Hide password" : "Show password"}
            aria-controls={id}
          >
            <Icon name={visible ? "eyeOff" : "eye"} />
          </button>
        </div>
      )}
    </FieldShell>
  );
}

/** What the API asks of a new password, said under every field that chooses one. */
export const PASSWORD_RULE = "At least 10 characters. A passphrase of a few words is easy to remember and hard to guess.";

/**
 * A field that chooses a password (sign up, reset, change): the API's bounds of 10 to 128
 * characters, its rule as the hint, and `new-password` for the browser's password manager.
 */
export function NewPasswordField(
  props: Omit<InputProps, "type" | "optional" | "hint" | "minLength" | "maxLength" | "autoComplete" | "required">,
) {
  return (
    <PasswordField name="new-password" autoComplete="new-password" required minLength={10} maxLength={128} hint={PASSWORD_RULE} {...props} />
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & { label: ReactNode; hint?: ReactNode; error?: string | null; optional?: boolean };

/** A multi-line text field, with its label, hint and error like `TextField`'s. */
export function TextAreaField({ label, hint, error, optional, ...area }: TextAreaProps) {
  return (
    <FieldShell label={label} hint={hint} error={error} optional={optional}>
      {({ id, describedBy, invalid }) => (
        <textarea id={id} className="input textarea" aria-describedby={describedBy} aria-invalid={invalid || undefined} {...area} />
      )}
    </FieldShell>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & { label: ReactNode; hint?: ReactNode; error?: string | null };

export function SelectField({ label, hint, error, children, ...select }: SelectProps) {
  return (
    <FieldShell label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} className="input select" aria-describedby={describedBy} aria-invalid={invalid || undefined} {...select}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}

type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type"> & { label: ReactNode; hint?: ReactNode };

/** A checkbox with its label beside it and a hint under both. */
export function CheckboxField({ label, hint, ...input }: CheckboxProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field field-check">
      <div className="check">
        <input id={id} type="checkbox" aria-describedby={hintId} {...input} />
        <label htmlFor={id} className="field-label">
          {label}
        </label>
      </div>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
