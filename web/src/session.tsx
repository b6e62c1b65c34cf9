import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { request, setCsrfToken, setUnauthorizedHandler } from './api/client';
import { clearCache } from './api/hooks';
import type { Locale, Me, Role } from './api/types';
import { type DayRange, lastFullPeriod, PERIOD_GRAINS, type PeriodGrain, today } from './dates';
import { type Key, translate, type Vars } from './i18n';

/** Who is logged in, in which language, looking at which period: the state every page reads. */

const LOGGED_IN_HINT = 'deskscore.session';
const LOCALE_KEY = 'deskscore.locale';
const PERIOD_KEY = 'deskscore.period';

export interface Session {
  me: Me | null;
  /** True until the first /auth/me answer (or at once when no session is remembered). */
  checking: boolean;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  setMe(me: Me): void;
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: Key, vars?: Vars): string;
  grain: PeriodGrain;
  setGrain(grain: PeriodGrain): void;
  /** The selected period: the last whole week, month, quarter or year in the organisation's zone. */
  period: DayRange;
  /** Today in the organisation's time zone. */
  today: string;
  timeZone: string;
  role: Role | null;
  /** Roles that see every desk, team and agent. */
  seesAll: boolean;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Shorthand for the translation function. */
export function useT() {
  return useSession().t;
}

function storedLocale(): Locale | null {
  const v = localStorage.getItem(LOCALE_KEY);
  return v === 'en' || v === 'es' ? v : null;
}

function browserLocale(): Locale {
  return navigator.language?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const remembered = localStorage.getItem(LOGGED_IN_HINT) === '1';
  const [me, setMeState] = useState<Me | null>(null);
  const [checking, setChecking] = useState(remembered);
  const [chosenLocale, setChosenLocale] = useState<Locale | null>(storedLocale());
  const [grain, setGrainState] = useState<PeriodGrain>(() => {
    const v = localStorage.getItem(PERIOD_KEY);
    return PERIOD_GRAINS.includes(v as PeriodGrain) ? (v as PeriodGrain) : 'month';
  });

  const setMe = useCallback((next: Me) => {
    if (next.csrf_token) setCsrfToken(next.csrf_token);
    localStorage.setItem(LOGGED_IN_HINT, '1');
    setMeState(next);
  }, []);

  const forget = useCallback(() => {
    localStorage.removeItem(LOGGED_IN_HINT);
    setCsrfToken(null);
    clearCache();
    setMeState(null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(forget);
    if (!remembered) return;
    request<Me>('/auth/me')
      .then(setMe)
      .catch(() => forget())
      .finally(() => setChecking(false));
  }, [forget, setMe, remembered]);

  const login = useCallback(
    async (email: string, password: string) => {
      const answer = await request<Me>('/auth/login', { method: 'POST', body: { email, password } });
      clearCache();
      setMe(answer);
    },
    [setMe],
  );

  const logout = useCallback(async () => {
    try {
      await request('/auth/logout', { method: 'POST' });
    } finally {
      forget();
    }
  }, [forget]);

  const userLocale = me?.user.locale === 'es' || me?.user.locale === 'en' ? me.user.locale : null;
  const locale: Locale = chosenLocale ?? userLocale ?? browserLocale();
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback(
    (l: Locale) => {
      localStorage.setItem(LOCALE_KEY, l);
      setChosenLocale(l);
      // Logged in: the choice is saved on the account too (GET /auth/me gives it at the next login).
      if (me && me.via === 'session' && me.user.locale !== l) {
        request<Me['user']>('/auth/me', { method: 'PATCH', body: { locale: l } })
          .then((user) => setMeState((current) => (current ? { ...current, user } : current)))
          .catch(() => {
            // The language still changes here; saving it on the account can wait for the next switch.
          });
      }
    },
    [me],
  );
  const setGrain = useCallback((g: PeriodGrain) => {
    localStorage.setItem(PERIOD_KEY, g);
    setGrainState(g);
  }, []);

  const timeZone = me?.organization.time_zone ?? 'UTC';
  const todayDay = today(timeZone);
  const value = useMemo<Session>(() => {
    const role = me?.user.role ?? null;
    return {
      me,
      checking,
      login,
      logout,
      setMe,
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      grain,
      setGrain,
      period: lastFullPeriod(grain, todayDay),
      today: todayDay,
      timeZone,
      role,
      seesAll: role === 'admin' || role === 'manager' || role === 'viewer',
    };
  }, [me, checking, login, logout, setMe, locale, setLocale, grain, setGrain, todayDay, timeZone]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
