/** The console's shell: header, theme, sign-in when the api wants signatures, and the router. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadCredentials, saveCredentials, whenAuthNeeded, type ApiError, type Credentials } from './api.js';
import { Activity } from './pages/Activity.js';
import { Execution } from './pages/Execution.js';
import { Home } from './pages/Home.js';
import { MapRunPage } from './pages/MapRun.js';
import { StateMachine } from './pages/StateMachine.js';
import { parseRoute } from './router.js';
import { Link, useLocation } from './ui.js';

type Theme = 'auto' | 'light' | 'dark';
const THEME_KEY = 'redstep.console.theme';

function applyTheme(t: Theme) {
  if (t === 'auto') delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = t;
}

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'auto');
  useEffect(() => {
    applyTheme(theme);
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);
  const next: Record<Theme, Theme> = { auto: 'light', light: 'dark', dark: 'auto' };
  return (
    <button type="button" class="theme" onClick={() => setTheme(next[theme])} title="Colour theme: follows the system, light or dark" aria-label={`Theme: ${theme}`}>
      {theme === 'auto' ? '◐ auto' : theme === 'light' ? '☀ light' : '☾ dark'}
    </button>
  );
}

function SignIn({ reason, onDone }: { reason: ApiError | undefined; onDone: () => void }) {
  const [form, setForm] = useState<Credentials>(() => loadCredentials() ?? { accessKeyId: '', secretAccessKey: '', sessionToken: '', region: 'us-east-1' });
  const set = (k: keyof Credentials) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const field = (k: keyof Credentials, label: string, secret = false) => (
    <label>
      {label}
      {secret ? (
        <input name={k} type="password" value={form[k] ?? ''} autoComplete="off" required={k !== 'sessionToken'} onInput={set(k)} />
      ) : (
        <input name={k} type="text" value={form[k] ?? ''} autoComplete="off" required onInput={set(k)} />
      )}
    </label>
  );
  return (
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="signin-title">
      <form
        class="panel form"
        onSubmit={(e) => {
          e.preventDefault();
          saveCredentials({ ...form, sessionToken: form.sessionToken || undefined });
          onDone();
        }}
      >
        <h2 id="signin-title">Sign in</h2>
        <p class="hint">
          This api checks SigV4 signatures. The console signs its requests in this tab with the key you give; it is kept in session storage only and forgotten when the tab closes.
        </p>
        {reason ? (
          <p class="error-note">
            <strong>{reason.code}</strong> {reason.message}
          </p>
        ) : null}
        {field('accessKeyId', 'Access key ID')}
        {field('secretAccessKey', 'Secret access key', true)}
        {field('sessionToken', 'Session token (optional)', true)}
        {field('region', 'Region')}
        <div class="actions">
          <button type="submit" class="primary">
            Sign in
          </button>
        </div>
      </form>
    </div>
  );
}

function App() {
  const path = useLocation();
  const route = parseRoute(path);
  const [authError, setAuthError] = useState<ApiError>();
  const [session, setSession] = useState(0);
  const [signedIn, setSignedIn] = useState(() => loadCredentials() !== undefined);
  useEffect(() => whenAuthNeeded((e) => setAuthError(e)), []);
  const key = `${session}:${path}`;
  let page;
  switch (route.page) {
    case 'home':
      page = <Home key={key} />;
      break;
    case 'state-machine':
      page = <StateMachine key={key} arn={route.arn} />;
      break;
    case 'execution':
      page = <Execution key={key} arn={route.arn} />;
      break;
    case 'map-run':
      page = <MapRunPage key={key} arn={route.arn} />;
      break;
    case 'activity':
      page = <Activity key={key} arn={route.arn} />;
      break;
    case 'not-found':
      page = (
        <main>
          <h1>Not found</h1>
          <p>
            No console page at <code>{route.path}</code>. <Link to={{ page: 'home' }}>Back to the state machines</Link>.
          </p>
        </main>
      );
      break;
    default: {
      const never: never = route;
      page = never;
    }
  }
  return (
    <>
      <header class="top">
        <Link to={{ page: 'home' }} class="brand">
          RedStep <span>console</span>
        </Link>
        <div class="spacer" />
        {signedIn ? (
          <button
            type="button"
            onClick={() => {
              saveCredentials(undefined);
              setSignedIn(false);
              setSession((s) => s + 1);
            }}
          >
            Sign out
          </button>
        ) : null}
        <ThemeToggle />
      </header>
      {page}
      {authError ? (
        <SignIn
          reason={authError}
          onDone={() => {
            setAuthError(undefined);
            setSignedIn(true);
            setSession((s) => s + 1);
          }}
        />
      ) : null}
    </>
  );
}

render(<App />, document.getElementById('app')!);
