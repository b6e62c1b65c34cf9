import { useEffect } from 'react';
import { kpiById, useKpis, useKras } from '../api/catalogue';
import { useCapability, useGet } from '../api/hooks';
import { useCounterweights, useGoals, useMyScope, useScorecard } from '../api/scoring';
import type { AlertEvent, Goal, IndexKey, Kra, Scorecard } from '../api/types';
import { PageHeader } from '../components/layout';
import {
  Async,
  Card,
  Empty,
  ErrorBox,
  NotAvailable,
  ProgressBar,
  Skeleton,
  StatusBadge,
} from '../components/ui';
import { formatDate, formatDateTime, formatDelta, formatNumber, formatValue } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import { SCORE_AT_RISK, SCORE_ON_TRACK, scoreStatus } from '../status';
import { kpiName, kraName } from './names';

const AT_RISK = new Set(['at_risk', 'off_track', 'missed']);

export function HomePage() {
  const { t, me, period, locale, role, timeZone } = useSession();
  const scope = useMyScope();
  const scorecard = useScorecard(scope);
  const kras = useKras();
  const goals = useGoals();
  // Asked once the scores are in: the two are the heaviest reads and would slow each other down.
  const counterweights = useCounterweights(
    role !== 'agent' &&
      (scorecard.data !== undefined || scorecard.error !== undefined || scorecard.available === false),
  );
  // Recent alerts, where the server has them and the role may read them.
  const hasAlerts =
    useCapability('GET /api/v1/alerts/events') &&
    (role === 'admin' || role === 'manager' || role === 'team_lead');
  const alerts = useGet<AlertEvent[]>(hasAlerts ? '/alerts/events' : null, { limit: 5 });

  // Marks when the scores are on screen (the e2e run reads it next to the navigation timing).
  useEffect(() => {
    if (scorecard.data && kras.data) performance.mark('deskscore:home-ready');
  }, [scorecard.data, kras.data]);

  const scopeName =
    scope.kind === 'organization' ? me?.organization.name : (scorecard.data?.scope.name ?? scope.id ?? '');
  return (
    <>
      <PageHeader
        title={t('home.title')}
        subtitle={t('home.subtitle', {
          scope: scopeName ?? '',
          from: formatDate(period.from, locale),
          to: formatDate(period.to, locale),
        })}
      />
      {scorecard.available === false ? (
        <NotAvailable what={t('home.scores')} />
      ) : scorecard.error ? (
        <ErrorBox error={scorecard.error} onRetry={scorecard.reload} />
      ) : (
        <>
          <Indices card={scorecard.data} />
          <KraTiles kras={kras.data} card={scorecard.data} />
        </>
      )}
      <div className="grid-2">
        <Card title={t('home.goalsAtRisk')} actions={<Link to="/goals">{t('home.allGoals')}</Link>}>
          {goals.available === false ? (
            <NotAvailable what={t('nav.goals')} />
          ) : (
            <Async state={goals} skeleton={3}>
              {(list) => <GoalsAtRisk goals={list} />}
            </Async>
          )}
        </Card>
        {role !== 'agent' && (
          <Card title={t('home.counterweights')}>
            {counterweights.available === false ? (
              <NotAvailable what={t('home.counterweights')} />
            ) : (
              <Async state={counterweights} skeleton={3}>
                {(report) =>
                  report.warnings.length === 0 ? (
                    <Empty>
                      {t('home.noWarnings', {
                        from: formatDate(report.windows.after.from, locale),
                        to: formatDate(report.windows.after.to, locale),
                      })}
                    </Empty>
                  ) : (
                    <ul className="warning-list">
                      {report.warnings.map((w) => (
                        <li key={`${w.scope.kind}-${w.scope.id}-${w.kpi}-${w.counterweight}`}>
                          <CounterweightItem warning={w} />
                        </li>
                      ))}
                    </ul>
                  )
                }
              </Async>
            )}
          </Card>
        )}
      </div>
      {hasAlerts && (
        <Card title={t('home.alerts')}>
          <Async state={alerts} skeleton={2} isEmpty={(list) => list.length === 0} empty={t('home.noAlerts')}>
            {(list) => (
              <ul className="alert-list">
                {list.map((a) => (
                  <li key={a.id}>
                    {a.state === 'firing' ? (
                      <StatusBadge status="at_risk" label={t('home.firing')} />
                    ) : (
                      <StatusBadge status="succeeded" label={t('home.resolved')} />
                    )}{' '}
                    <strong>{a.subject}</strong>
                    {typeof a.detail.summary === 'string' && (
                      <span className="small"> · {a.detail.summary}</span>
                    )}{' '}
                    <span className="muted small">{formatDateTime(a.fired_at, locale, timeZone)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Async>
        </Card>
      )}
    </>
  );
}

function Indices({ card }: { card: Scorecard | undefined }) {
  const { t, locale } = useSession();
  const keys: IndexKey[] = ['happy_customers', 'healthy_teams'];
  return (
    <section className="indices" aria-label={t('home.indices')}>
      {keys.map((k) => {
        const score = card?.indices[k]?.score ?? null;
        return (
          <div key={k} className={`index-card index-${k}`}>
            <h2 className="index-title">{t(`index.${k}`)}</h2>
            {card ? (
              <>
                <p className="index-score">
                  <span className="big-number">{formatNumber(score, locale, 0)}</span>
                  <span className="muted"> / 100</span>
                </p>
                <StatusBadge status={scoreStatus(score)} />
                <p className="muted small">
                  {t('home.indexKras', {
                    kras: Object.keys(card.indices[k]?.weights_used ?? {}).join(', ') || '–',
                  })}
                </p>
              </>
            ) : (
              <Skeleton lines={2} />
            )}
          </div>
        );
      })}
      <div className="index-card index-overall">
        <h2 className="index-title">{t('home.overall')}</h2>
        {card ? (
          <>
            <p className="index-score">
              <span className="big-number">{formatNumber(card.overall, locale, 0)}</span>
              <span className="muted"> / 100</span>
            </p>
            <StatusBadge status={scoreStatus(card.overall)} />
            <p className="muted small">{t('home.template', { template: card.template })}</p>
          </>
        ) : (
          <Skeleton lines={2} />
        )}
      </div>
    </section>
  );
}

function KraTiles({ kras, card }: { kras: Kra[] | undefined; card: Scorecard | undefined }) {
  const { t, locale } = useSession();
  const kpis = kpiById(useKpis().data);
  if (!kras) return <Skeleton lines={6} />;
  return (
    <section aria-labelledby="kra-heading">
      <div className="section-head">
        <h2 id="kra-heading">{t('home.kras')}</h2>
        <p className="legend muted small">
          {t('status.legend', { onTrack: SCORE_ON_TRACK, atRisk: SCORE_AT_RISK })}
        </p>
      </div>
      <ul className="kra-tiles">
        {kras.map((k) => {
          const scored = card?.kras.find((s) => s.kra === k.id);
          const status = card ? (scored ? scoreStatus(scored.score) : 'no_target') : null;
          const worst = scored?.kpis
            .filter((p) => p.status === 'scored' && p.score !== null && p.score < 100)
            .sort((a, b) => (a.score ?? 0) - (b.score ?? 0))[0];
          return (
            <li key={k.id} className={`kra-tile tone-${status ?? 'loading'}`}>
              <Link to={`/kras/${k.id}`} className="kra-link">
                <span className="kra-number">KRA {k.id}</span>
                <span className="kra-name">{kraName(locale, k.id, k.name)}</span>
              </Link>
              <div className="kra-score">
                {!card ? (
                  <Skeleton lines={1} />
                ) : (
                  <>
                    <span className="score-number">
                      {scored ? formatNumber(scored.score, locale, 0) : '–'}
                    </span>
                    {status && (
                      <StatusBadge
                        status={status}
                        {...(status === 'no_target' ? { label: t('home.notInTemplate') } : {})}
                      />
                    )}
                  </>
                )}
              </div>
              {worst && (
                <p className="kra-hint small">
                  {t('home.weakest', {
                    kpi: kpiName(locale, worst.kpi, kpis.get(worst.kpi)?.name ?? worst.name),
                    value: formatValue(worst.value, worst.unit, locale),
                    target: formatValue(worst.target, worst.unit, locale),
                  })}
                </p>
              )}
              <p className="muted small">
                {t(`index.${k.index === 'healthy_teams' ? 'healthy_teams' : 'happy_customers'}`)}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function GoalsAtRisk({ goals }: { goals: Goal[] }) {
  const { t, locale } = useSession();
  const risky = goals.filter((g) => AT_RISK.has(g.status)).sort((a, b) => (a.pace ?? 0) - (b.pace ?? 0));
  if (risky.length === 0) return <Empty>{t('home.noGoalsAtRisk', { n: goals.length })}</Empty>;
  return (
    <ul className="goal-list">
      {risky.slice(0, 6).map((g) => (
        <li key={g.id}>
          <Link to={`/goals/${g.id}`}>{g.name}</Link>
          <div className="goal-line">
            <StatusBadge status={g.status} />
            <ProgressBar value={g.progress} label={t('goals.progressOf', { name: g.name })} />
            <span className="small">
              {t('goals.pace')}: {formatDelta(g.pace, 'points', locale)}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}

function CounterweightItem({ warning }: { warning: import('../api/types').CounterweightWarning }) {
  const { t, locale } = useSession();
  const kpis = kpiById(useKpis().data);
  const a = kpis.get(warning.kpi);
  const b = kpis.get(warning.counterweight);
  const unitA = a?.unit ?? '';
  const unitB = b?.unit ?? '';
  return (
    <div className="counterweight">
      <StatusBadge status="at_risk" label={t('home.gaming')} />{' '}
      <strong>
        {warning.scope.kind === 'organization'
          ? t('scope.organization')
          : `${t(`scope.${warning.scope.kind}`)} ${warning.scope.name}`}
      </strong>
      <p className="small">
        {t('home.counterweightText', {
          kpi: kpiName(locale, warning.kpi, a?.name ?? warning.kpi),
          from: formatValue(warning.kpi_change.before.value, unitA, locale),
          to: formatValue(warning.kpi_change.after.value, unitA, locale),
          counterweight: kpiName(locale, warning.counterweight, b?.name ?? warning.counterweight),
          cfrom: formatValue(warning.counterweight_change.before.value, unitB, locale),
          cto: formatValue(warning.counterweight_change.after.value, unitB, locale),
        })}
      </p>
      <p className="small">
        <Link to={`/kpis/${warning.kpi}`}>{kpiName(locale, warning.kpi, a?.name ?? warning.kpi)}</Link>
        {' · '}
        <Link to={`/kpis/${warning.counterweight}`}>
          {kpiName(locale, warning.counterweight, b?.name ?? warning.counterweight)}
        </Link>
      </p>
    </div>
  );
}
