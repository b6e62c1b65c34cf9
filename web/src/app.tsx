import { type ReactNode, useEffect, useState } from 'react';
import { LanguageSwitch, PageHeader, PeriodPicker } from './components/layout';
import { Loading } from './components/ui';
import type { Key } from './i18n';
import { DataPage } from './pages/data';
import { GoalDetailPage, GoalEditPage, GoalFormPage, GoalsPage } from './pages/goals';
import { HomePage } from './pages/home';
import { KpiListPage, KpiPage } from './pages/kpi';
import { KraPage } from './pages/kra';
import { ChangePasswordPage, LoginPage } from './pages/login';
import { ScorecardsPage } from './pages/scorecards';
import { SettingsPage } from './pages/settings';
import { SlaPage } from './pages/sla';
import { Link, match, useRoute } from './router';
import { useSession } from './session';

interface NavItem {
  to: string;
  label: Key;
  /** Path prefixes that mark this item current. */
  prefixes: string[];
  show?: (role: string) => boolean;
}

const NAV: NavItem[] = [
  { to: '/', label: 'nav.home', prefixes: ['/', '/kras'] },
  { to: '/kpis', label: 'nav.kpis', prefixes: ['/kpis'] },
  { to: '/goals', label: 'nav.goals', prefixes: ['/goals'] },
  { to: '/scorecards', label: 'nav.scorecards', prefixes: ['/scorecards'] },
  { to: '/sla', label: 'nav.sla', prefixes: ['/sla'] },
  { to: '/data', label: 'nav.data', prefixes: ['/data'], show: (r) => r === 'admin' || r === 'manager' },
  { to: '/settings', label: 'nav.settings', prefixes: ['/settings'] },
];

function isCurrent(item: NavItem, path: string): boolean {
  return item.prefixes.some((p) => (p === '/' ? path === '/' : path === p || path.startsWith(`${p}/`)));
}

function Page({ path }: { path: string }): ReactNode {
  if (path === '/') return <HomePage />;
  const kra = match('/kras/:id', path);
  if (kra) return <KraPage id={Number(kra.id)} />;
  if (path === '/kpis') return <KpiListPage />;
  const kpi = match('/kpis/:id', path);
  if (kpi) return <KpiPage id={kpi.id!} />;
  if (path === '/goals') return <GoalsPage />;
  if (path === '/goals/new') return <GoalFormPage />;
  const goalEdit = match('/goals/:id/edit', path);
  if (goalEdit) return <GoalEditPage id={Number(goalEdit.id)} />;
  const goal = match('/goals/:id', path);
  if (goal) return <GoalDetailPage id={Number(goal.id)} />;
  if (path === '/scorecards') return <ScorecardsPage />;
  if (path === '/sla') return <SlaPage />;
  if (path === '/data') return <DataPage />;
  if (path === '/settings') return <SettingsPage />;
  return <NotFound />;
}

function NotFound() {
  const { t } = useSession();
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <p>
        <Link to="/">{t('nav.home')}</Link>
      </p>
    </>
  );
}

export function App() {
  const session = useSession();
  const { path } = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu on every navigation
  useEffect(() => setMenuOpen(false), [path]);

  if (session.checking) return <Loading />;
  if (!session.me) return <LoginPage />;
  if (session.me.user.must_change_password) return <ChangePasswordPage />;
  const { me, t } = session;
  const role = me.user.role;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="brand">
          <Link to="/" className="brand-link">
            <span aria-hidden="true" className="brand-mark">
              ◆
            </span>{' '}
            deskscore
          </Link>
          <span className="org-name">{me.organization.name}</span>
        </div>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          <span aria-hidden="true">☰ </span>
          {t('nav.menu')}
        </button>
        <div className={`topbar-tools${menuOpen ? ' open' : ''}`}>
          <PeriodPicker />
          <LanguageSwitch />
          <div className="user">
            <span className="user-name">
              {me.user.name} <span className="role">({t(`role.${role}`)})</span>
            </span>
            <button type="button" className="button-secondary small" onClick={() => void session.logout()}>
              {t('nav.logout')}
            </button>
          </div>
        </div>
      </header>
      <nav id="main-nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label={t('nav.label')}>
        <ul>
          {NAV.filter((n) => !n.show || n.show(role)).map((n) => (
            <li key={n.to}>
              <Link to={n.to} aria-current={isCurrent(n, path) ? 'page' : undefined}>
                {t(n.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <Page key={path} path={path} />
      </main>
    </div>
  );
}
