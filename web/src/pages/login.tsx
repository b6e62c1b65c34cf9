import { type FormEvent, useState } from 'react';
import { ApiError, request } from '../api/client';
import type { Me } from '../api/types';
import { LanguageSwitch } from '../components/layout';
import { Field } from '../components/ui';
import { useSession } from '../session';

export function LoginPage() {
  const { t, login } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 429
          ? t('login.tooMany')
          : e instanceof ApiError && (e.status === 401 || e.status === 403)
            ? t('login.wrong')
            : e instanceof Error
              ? e.message
              : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <div className="login-card">
        <h1>
          <span aria-hidden="true" className="brand-mark">
            ◆
          </span>{' '}
          deskscore
        </h1>
        <p className="subtitle">{t('login.tagline')}</p>
        <form onSubmit={submit} className="form" noValidate>
          <Field label={t('login.email')}>
            <input
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Field label={t('login.password')}>
            <input
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button-primary" disabled={busy || !email || !password}>
            {busy ? t('common.working') : t('login.submit')}
          </button>
        </form>
        <LanguageSwitch />
      </div>
    </main>
  );
}

/** First login with a one-time password: choose a new one before anything else. */
export function ChangePasswordPage() {
  const { t, setMe } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await request('/auth/password', {
        method: 'POST',
        body: { current_password: current, new_password: next },
      });
      setMe(await request<Me>('/auth/me'));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <main className="login" id="main">
      <div className="login-card">
        <h1>{t('password.title')}</h1>
        <p className="subtitle">{t('password.why')}</p>
        <form onSubmit={submit} className="form">
          <Field label={t('password.current')}>
            <input
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </Field>
          <Field label={t('password.new')} hint={t('password.rule')}>
            <input
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          </Field>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button-primary" disabled={next.length < 12 || !current}>
            {t('password.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
