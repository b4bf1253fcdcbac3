import { useEffect, type ReactNode } from "react";
import { useAuth } from "./auth";
import { AppShell, AuthLayout, PublicShell } from "./components/Layout";
import { AccountPage } from "./pages/AccountPage";
import { ApiKeysPage } from "./pages/ApiKeysPage";
import { BillingPage } from "./pages/BillingPage";
import { ForgotPasswordPage } from "./pages/ForgotPasswordPage";
import { JobPage } from "./pages/JobPage";
import { JobsPage } from "./pages/JobsPage";
import { LoginPage, safeNext } from "./pages/LoginPage";
import { NewJobPage } from "./pages/NewJobPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { PricingPage } from "./pages/PricingPage";
import { ResetPasswordPage } from "./pages/ResetPasswordPage";
import { SharedTranscriptPage } from "./pages/SharedTranscriptPage";
import { SignupPage } from "./pages/SignupPage";
import { VerifyEmailPage } from "./pages/VerifyEmailPage";
import { SHARE_PATH } from "./lib/shares";
import { matchPath, useLocation, useNavigate } from "./router";

/** Sends the browser elsewhere once rendered (a redirect). */
function Redirect({ to }: { to: string }) {
  const navigate = useNavigate();
  useEffect(() => navigate(to, { replace: true }), [navigate, to]);
  return null;
}

/** The signed-in pages; signed out, the sign-in page, which comes back here afterwards. */
function Private({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const { pathname, search } = useLocation();
  if (!session) {
    const next = pathname + search;
    return <Redirect to={next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`} />;
  }
  return <AppShell>{children}</AppShell>;
}

/** Sign-in and sign-up are for the signed out; the signed in go to the app. */
function SignedOut({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  if (session) return <Redirect to={safeNext(new URLSearchParams(window.location.search).get("next"))} />;
  return <AuthLayout>{children}</AuthLayout>;
}

export function App() {
  const { pathname } = useLocation();
  const { session } = useAuth();

  switch (pathname.replace(/\/+$/, "") || "/") {
    case "/":
      return (
        <Private>
          <JobsPage />
        </Private>
      );
    case "/new":
      return (
        <Private>
          <NewJobPage />
        </Private>
      );
    case "/api-keys":
      return (
        <Private>
          <ApiKeysPage />
        </Private>
      );
    case "/account":
      return (
        <Private>
          <AccountPage />
        </Private>
      );
    case "/billing":
      return (
        <Private>
          <BillingPage />
        </Private>
      );
    case "/pricing":
      // For everyone: signed out, with the way to sign up.
      return session ? (
        <AppShell>
          <PricingPage />
        </AppShell>
      ) : (
        <PublicShell>
          <PricingPage />
        </PublicShell>
      );
    case "/login":
      return (
        <SignedOut>
          <LoginPage />
        </SignedOut>
      );
    case "/signup":
      return (
        <SignedOut>
          <SignupPage />
        </SignedOut>
      );
    case "/forgot-password":
      return (
        <AuthLayout>
          <ForgotPasswordPage />
        </AuthLayout>
      );
    case "/reset-password":
      return (
        <AuthLayout>
          <ResetPasswordPage />
        </AuthLayout>
      );
    case "/verify-email":
      return (
        <AuthLayout>
          <VerifyEmailPage />
        </AuthLayout>
      );
    default: {
      const job = matchPath("/jobs/:id", pathname);
      if (job) {
        return (
          <Private>
            <JobPage key={job.id} id={job.id} />
          </Private>
        );
      }
      const share = matchPath(SHARE_PATH, pathname);
      if (share) {
        // A share link is for anyone: signed out it never goes to the sign-in page.
        const page = <SharedTranscriptPage key={share.token} token={share.token} />;
        return session ? <AppShell>{page}</AppShell> : <PublicShell>{page}</PublicShell>;
      }
      return session ? (
        <AppShell>
          <NotFoundPage />
        </AppShell>
      ) : (
        <AuthLayout>
          <NotFoundPage />
        </AuthLayout>
      );
    }
  }
}
