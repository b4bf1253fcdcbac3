import { useState, type FormEvent } from "react";
import { messageOf } from "../api/errors";
import { useNavigate } from "../router";

/**
 * The state of an email-and-password form (sign in, sign up): the fields, whether it is busy, the
 * API's error message, and the submit handler, which calls `action` with the trimmed address and
 * goes to `next` when it succeeds.
 */
export function useCredentialsForm(action: (email: string, password: string) => Promise<unknown>, next: string) {
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action(email.trim(), password);
      navigate(next, { replace: true });
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };

  return { email, setEmail, password, setPassword, busy, error, submit };
}
