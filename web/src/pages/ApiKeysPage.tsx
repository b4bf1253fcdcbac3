import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { messageOf } from "../api/errors";
import type { ApiKey, CreatedApiKey } from "../api/types";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { CopyButton } from "../components/CopyButton";
import { ConfirmDialog } from "../components/Dialog";
import { TextField } from "../components/Field";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/Layout";
import { Loading, Spinner } from "../components/Spinner";
import { useToast } from "../components/Toasts";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { formatDateTime, formatRelative } from "../lib/format";

export function ApiKeysPage() {
  useDocumentTitle("API keys");
  const api = useApi();
  const notify = useToast();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const createdHeading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      setKeys(await api.listApiKeys());
      setLoadError(null);
    } catch (caught) {
      setLoadError(messageOf(caught));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (created) createdHeading.current?.focus();
  }, [created]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setCreateError("Give the key a name, such as the script or machine that will use it.");
      return;
    }
    setCreating(true);
    setCreateError(null);
    try {
      const key = await api.createApiKey(name.trim());
      setCreated(key);
      setName("");
      await load();
    } catch (caught) {
      setCreateError(messageOf(caught));
    } finally {
      setCreating(false);
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    await api.revokeApiKey(revoking.id);
    notify(`Revoked “${revoking.name}”.`);
    if (created?.id === revoking.id) setCreated(null);
    await load();
    setTimeout(() => document.querySelector<HTMLElement>("main h1")?.focus(), 0);
  };

  const now = Date.now();
  return (
    <div className="page page-narrow">
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let scripts and servers use the API as you: send one as <code>Authorization: Bearer &lt;key&gt;</code>. Revoke a key
            the moment you no longer trust where it is.
          </>
        }
      />

      {created && (
        <section className="card card-highlight new-key" aria-labelledby="new-key-heading">
          <h2 id="new-key-heading" ref={createdHeading} tabIndex={-1} className="card-title">
            Your new key “{created.name}”
          </h2>
          <p>Copy it now: it is shown only this once. Store it like a password.</p>
          <div className="secret-row">
            <code className="secret" data-testid="new-api-key">
              {created.key}
            </code>
            <CopyButton text={created.key} label="Copy key" copiedMessage="The API key is copied." />
          </div>
          <button type="button" className="button button-ghost button-small" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        </section>
      )}

      <section className="card" aria-labelledby="create-key-heading">
        <h2 id="create-key-heading" className="card-title">
          Create a key
        </h2>
        <form className="inline-form" onSubmit={create} noValidate>
          <TextField
            label="Name"
            placeholder="e.g. Laptop, CI, Podcast pipeline"
            value={name}
            maxLength={100}
            onChange={(event) => setName(event.target.value)}
            error={createError}
            disabled={creating}
            autoComplete="off"
          />
          <button type="submit" className="button button-primary" disabled={creating}>
            {creating ? <Spinner /> : <Icon name="plus" />}
            Create key
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="card-title">
          Your keys
        </h2>
        {loadError && <Alert>{loadError}</Alert>}
        {!keys && !loadError && <Loading label="Loading your keys…" />}
        {keys && keys.length === 0 && <p className="muted">No keys yet. The web app does not need one; scripts do.</p>}
        {keys && keys.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id}>
                    <th scope="row" className="key-name" data-label="Name">
                      {key.name}
                    </th>
                    <td data-label="Key">
                      <code>{key.prefix}…</code>
                    </td>
                    <td data-label="Created">
                      <time dateTime={key.createdAt} title={formatDateTime(key.createdAt)}>
                        {formatRelative(key.createdAt, now)}
                      </time>
                    </td>
                    <td data-label="Last used">
                      {key.lastUsedAt ? (
                        <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                          {formatRelative(key.lastUsedAt, now)}
                        </time>
                      ) : (
                        <span className="muted">Never</span>
                      )}
                    </td>
                    <td className="table-actions">
                      <button type="button" className="button button-ghost button-small button-danger-text" onClick={() => setRevoking(key)} aria-label={`Revoke “${key.name}”`}>
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {revoking && (
        <ConfirmDialog title={`Revoke “${revoking.name}”?`} confirmLabel="Revoke key" danger onConfirm={revoke} onClose={() => setRevoking(null)}>
          <p>
            Requests with the key <code>{revoking.prefix}…</code> are refused from now on. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
