import { useEffect, useRef, useState, type ReactNode } from "react";
import { messageOf } from "../api/errors";
import { useApi, useAuth } from "../auth";
import { Link, NavLink, useLocation, useNavigate } from "../router";
import { Icon, Logo } from "./Icon";
import { Spinner } from "./Spinner";

/**
 * Moves focus to the page's heading after an in-app navigation, as a page load would reset it,
 * so screen readers announce where the user arrived (not on the first load).
 */
export function useFocusOnNavigate(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>("main h1");
    heading?.focus({ preventScroll: true });
  }, [pathname]);
}

/** The page's heading (focusable by script, for the focus move above), its lede and actions. */
export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div className="page-header-text">
        <h1 tabIndex={-1}>{title}</h1>
        {description && <p className="page-lede">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

function SkipLink() {
  return (
    <a className="skip-link" href="#main">
      Skip to content
    </a>
  );
}

/**
 * The reminder an unverified account sees (verification never blocks using the product), with a
 * way to have the link mailed again. A 409 means the address is confirmed already: the client then
 * marks the stored user verified, and the reminder goes away with it.
 */
export function VerifyReminder({ email }: { email: string }) {
  const api = useApi();
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem("transcriptor.verify-dismissed") === email);
  const [resend, setResend] = useState<{ state: "idle" | "busy" | "sent" } | { state: "error"; message: string }>({ state: "idle" });
  if (dismissed) return null;
  const sendAgain = async () => {
    setResend({ state: "busy" });
    try {
      await api.resendVerificationEmail();
      setResend({ state: "sent" });
    } catch (caught) {
      setResend({ state: "error", message: messageOf(caught) });
    }
  };
  return (
    <div className="banner" role="status">
      <Icon name="mail" />
      <p>
        Confirm your email address: we sent a link to <strong>{email}</strong>. You can keep working meanwhile.
        {resend.state === "sent" && <span className="banner-note"> Sent. Check your inbox.</span>}
        {resend.state === "error" && <span className="banner-note banner-error"> {resend.message}</span>}
      </p>
      {resend.state !== "sent" && (
        <button type="button" className="button button-secondary button-small" onClick={sendAgain} disabled={resend.state === "busy"}>
          {resend.state === "busy" && <Spinner />}
          Send the link again
        </button>
      )}
      <button
        type="button"
        className="button button-ghost button-small"
        onClick={() => {
          sessionStorage.setItem("transcriptor.verify-dismissed", email);
          setDismissed(true);
        }}
      >
        Dismiss
      </button>
    </div>
  );
}

/** The signed-in app: header with navigation, the page, a footer. */
export function AppShell({ children }: { children: ReactNode }) {
  const { api, session } = useAuth();
  const navigate = useNavigate();
  useFocusOnNavigate();
  const signOut = async () => {
    await api.logout();
    navigate("/login?signedOut=1", { replace: true });
  };
  return (
    <div className="app">
      <SkipLink />
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand" aria-label="Transcriptor, your transcripts">
            <Logo />
          </Link>
          <nav className="mainnav" aria-label="Main">
            <NavLink to="/" exact className="nav-link">
              <Icon name="list" />
              <span>Transcripts</span>
            </NavLink>
            <NavLink to="/api-keys" className="nav-link">
              <Icon name="key" />
              <span>API keys</span>
            </NavLink>
            <NavLink to="/billing" className="nav-link">
              <Icon name="card" />
              <span>Billing</span>
            </NavLink>
            <NavLink to="/pricing" className="nav-link">
              <Icon name="tag" />
              <span>Pricing</span>
            </NavLink>
            <NavLink to="/account" className="nav-link">
              <Icon name="user" />
              <span>Account</span>
            </NavLink>
          </nav>
          <div className="topbar-actions">
            <Link to="/new" className="button button-primary button-new" aria-label="New transcript">
              <Icon name="plus" />
              <span>New transcript</span>
            </Link>
            <button type="button" className="button button-ghost signout" onClick={signOut} aria-label="Sign out" title={session ? `Signed in as ${session.user.email}` : undefined}>
              <Icon name="logout" />
              <span className="signout-label">Sign out</span>
            </button>
          </div>
        </div>
      </header>
      {session && !session.user.emailVerified && <VerifyReminder email={session.user.email} />}
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <span>Transcriptor</span>
        {session && (
          <>
            <span aria-hidden="true">·</span>
            <span>Signed in as {session.user.email}</span>
          </>
        )}
      </footer>
    </div>
  );
}

/** Pages anyone may see (the pricing page) for the signed out: the header with the way in, the page. */
export function PublicShell({ children }: { children: ReactNode }) {
  useFocusOnNavigate();
  return (
    <div className="app">
      <SkipLink />
      <header className="topbar topbar-public">
        <div className="topbar-inner">
          <Link to="/" className="brand" aria-label="Transcriptor home">
            <Logo />
          </Link>
          <nav className="mainnav" aria-label="Main">
            <NavLink to="/pricing" className="nav-link">
              <Icon name="tag" />
              <span>Pricing</span>
            </NavLink>
          </nav>
          <div className="topbar-actions">
            <Link to="/login" className="button button-ghost">
              Sign in
            </Link>
            <Link to="/signup" className="button button-primary">
              <span className="label-wide">Create account</span>
              <span className="label-narrow">Sign up</span>
            </Link>
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <span>Transcriptor</span>
        <span aria-hidden="true">·</span>
        <span>Timed transcripts of your audio and video, as text, SRT, WebVTT and JSON.</span>
      </footer>
    </div>
  );
}

/** The signed-out pages: a centred card under the logo. */
export function AuthLayout({ children }: { children: ReactNode }) {
  useFocusOnNavigate();
  return (
    <div className="auth">
      <SkipLink />
      <main id="main" className="auth-main" tabIndex={-1}>
        <Link to="/" className="auth-brand" aria-label="Transcriptor home">
          <Logo />
        </Link>
        <div className="auth-card">{children}</div>
        <p className="auth-footnote">Timed transcripts of your audio and video, as text, SRT, WebVTT and JSON.</p>
      </main>
    </div>
  );
}
