import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { kpiById, useAgents, useDesks, useKpis, useKras, useTeams } from '../api/catalogue';
import { ApiError, request } from '../api/client';
import { invalidate, useCapabilities, useGet } from '../api/hooks';
import { GOALS, useGoals } from '../api/scoring';
import {
  ACTION_STATUSES,
  type ActionStatus,
  type Goal,
  type GoalCheck,
  type GoalDraft,
  type GoalEdit,
  type OwnerRole,
  type ScopeKind,
  type SmartCheck,
  type StatusChange,
  type TargetKind,
} from '../api/types';
import { PageHeader } from '../components/layout';
import { type Column, CsvButton, DataTable } from '../components/table';
import {
  Async,
  Card,
  Empty,
  ErrorBox,
  Field,
  Loading,
  NotAvailable,
  ProgressBar,
  Skeleton,
  StatusBadge,
} from '../components/ui';
import { addDays, addMonths } from '../dates';
import { formatDate, formatDelta, formatInteger, formatNumber, formatValue } from '../format';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { kpiName, kraName } from './names';

const STATUS_ORDER = [
  'off_track',
  'missed',
  'at_risk',
  'not_significant',
  'on_track',
  'not_started',
  'achieved',
];

function scopeText(t: ReturnType<typeof useSession>['t'], scope: Goal['scope']): string {
  return scope.kind === 'organization'
    ? t('scope.organization')
    : `${t(`scope.${scope.kind}`)} ${scope.name}`;
}

export function GoalsPage() {
  const { t, locale, role } = useSession();
  const goals = useGoals();
  const caps = useCapabilities();
  const canCreate = caps?.has('POST /api/v1/goals') && role !== 'viewer' && role !== 'agent';
  const [status, setStatus] = useState('');
  const columns: Column<Goal>[] = [
    {
      key: 'name',
      header: t('goals.goal'),
      value: (g) => g.name,
      render: (g) => <Link to={`/goals/${g.id}`}>{g.name}</Link>,
    },
    {
      key: 'kpi',
      header: t('kpi.kpi'),
      value: (g) => g.kpi,
      render: (g) => kpiName(locale, g.kpi, g.kpi_name),
    },
    { key: 'scope', header: t('goals.scope'), value: (g) => scopeText(t, g.scope) },
    {
      key: 'status',
      header: t('kpi.status'),
      value: (g) => g.status,
      render: (g) => <StatusBadge status={g.status} />,
    },
    {
      key: 'progress',
      header: t('goals.progress'),
      value: (g) => g.progress,
      render: (g) => <ProgressBar value={g.progress} label={t('goals.progressOf', { name: g.name })} />,
    },
    {
      key: 'pace',
      header: t('goals.pace'),
      align: 'right',
      value: (g) => g.pace,
      render: (g) => formatDelta(g.pace, 'points', locale),
    },
    {
      key: 'current',
      header: t('goals.current'),
      align: 'right',
      value: (g) => g.current.value,
      render: (g) => formatValue(g.current.value, g.unit, locale),
    },
    {
      key: 'target',
      header: t('kpi.target'),
      align: 'right',
      value: (g) => g.target.value,
      render: (g) => formatValue(g.target.value, g.unit, locale),
    },
    {
      key: 'deadline',
      header: t('goals.deadline'),
      value: (g) => g.deadline,
      render: (g) => formatDate(g.deadline, locale),
    },
    { key: 'owner', header: t('goals.owner'), value: (g) => g.owner.name },
  ];
  return (
    <>
      <PageHeader
        title={t('goals.title')}
        subtitle={t('goals.subtitle')}
        actions={
          canCreate && (
            <Link to="/goals/new" className="button-primary">
              {t('goals.new')}
            </Link>
          )
        }
      />
      {goals.available === false ? (
        <NotAvailable what={t('nav.goals')} />
      ) : (
        <Card
          title={t('goals.list')}
          actions={
            goals.data && (
              <>
                <label className="field inline">
                  <span className="field-label">{t('kpi.status')}</span>
                  <select value={status} onChange={(e) => setStatus(e.target.value)}>
                    <option value="">{t('common.all')}</option>
                    {STATUS_ORDER.map((s) => (
                      <option key={s} value={s}>
                        {t(`status.${s as Goal['status']}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <CsvButton name="goals" columns={columns} rows={goals.data} />
              </>
            )
          }
        >
          <Async state={goals} skeleton={6} isEmpty={(list) => list.length === 0} empty={t('goals.none')}>
            {(list) => (
              <DataTable
                caption={t('goals.list')}
                columns={columns}
                rows={list
                  .filter((g) => !status || g.status === status)
                  .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status))}
                rowKey={(g) => String(g.id)}
              />
            )}
          </Async>
        </Card>
      )}
    </>
  );
}

export function SmartView({ check, busy }: { check: SmartCheck | null; busy?: boolean }) {
  const { t } = useSession();
  if (!check)
    return busy ? <Loading label={t('goals.checking')} /> : <p className="muted">{t('goals.smartHint')}</p>;
  return (
    <div className="smart" aria-busy={busy ? 'true' : 'false'}>
      <p className={`smart-verdict ${check.ok ? 'ok' : 'fail'}`}>
        <span aria-hidden="true">{check.ok ? '✓ ' : '✕ '}</span>
        {check.ok ? t('goals.smartOk') : t('goals.smartFail')}
      </p>
      <ol className="smart-letters">
        {check.letters.map((l) => (
          <li
            key={l.letter}
            className={`smart-letter verdict-${l.verdict}`}
            data-letter={l.letter}
            data-verdict={l.verdict}
          >
            <span className="smart-mark" aria-hidden="true">
              {l.letter}
            </span>
            <div>
              <strong>{t(`smart.${l.letter}`)}</strong>{' '}
              <StatusBadge
                status={l.verdict === 'pass' ? 'met' : l.verdict === 'warn' ? 'at_risk' : 'failed'}
                label={t(`verdict.${l.verdict}`)}
              />
              <p className="small">{l.reason}</p>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

interface ActionDraft {
  title: string;
  owner: string;
  due: string;
}

export function GoalFormPage() {
  return <GoalForm />;
}

/** The goal form prefilled with a stored goal: its edit is checked live and saved with PATCH. */
export function GoalEditPage({ id }: { id: number }) {
  const { t } = useSession();
  const caps = useCapabilities();
  const available = caps?.has(GOALS);
  const goal = useGet<{ goal: Goal; history: StatusChange[] }>(available ? `/goals/${id}` : null);
  if (caps && !available) return <NotAvailable what={t('nav.goals')} />;
  if (goal.error)
    return (
      <>
        <PageHeader title={t('goals.edit')} />
        <ErrorBox error={goal.error} onRetry={goal.reload} />
      </>
    );
  if (!goal.data) return <Skeleton lines={10} />;
  return <GoalForm key={id} goal={goal.data.goal} />;
}

function GoalForm({ goal }: { goal?: Goal }) {
  const { t, locale, today, me, role } = useSession();
  const kpis = useKpis();
  const kras = useKras();
  const desks = useDesks();
  const teams = useTeams();
  const agents = useAgents();
  const caps = useCapabilities();
  // Editing: the KPI, scope, start and baseline define the goal and are shown, not changed.
  const editing = goal !== undefined;
  const [kpiId, setKpiId] = useState(goal?.kpi ?? 'csat');
  const [scopeKind, setScopeKind] = useState<ScopeKind>(
    goal?.scope.kind ?? (role === 'team_lead' ? 'team' : 'organization'),
  );
  const [scopeId, setScopeId] = useState<string>(
    goal ? (goal.scope.id ?? '') : role === 'team_lead' ? (me?.user.team_ids[0] ?? '') : '',
  );
  const [targetKind, setTargetKind] = useState<TargetKind>(goal?.target.kind ?? 'points_change');
  const [targetValue, setTargetValue] = useState(goal ? String(goal.target.input) : '5');
  const [start, setStart] = useState(goal?.start ?? today);
  const [deadline, setDeadline] = useState(goal?.deadline ?? addMonths(today, 3));
  const [baselineFrom, setBaselineFrom] = useState(goal?.baseline.from ?? '');
  const [baselineTo, setBaselineTo] = useState(goal?.baseline.to ?? '');
  const [ownerName, setOwnerName] = useState(goal?.owner.name ?? me?.user.name ?? '');
  const [ownerRole, setOwnerRole] = useState<OwnerRole>(
    goal?.owner.role ?? (role === 'team_lead' ? 'team_lead' : 'manager'),
  );
  const [cadence, setCadence] = useState(goal?.cadence ?? 'monthly');
  const [name, setName] = useState(goal?.name ?? '');
  const [notes, setNotes] = useState(goal?.notes ?? '');
  const [actions, setActions] = useState<ActionDraft[]>([]);
  const [check, setCheck] = useState<GoalCheck | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const byId = kpiById(kpis.data);
  const kpi = byId.get(kpiId);
  const scopeOptions = useMemo(() => {
    switch (scopeKind) {
      case 'desk':
        return (desks.data ?? []).map((d) => ({ id: d.id, name: d.name }));
      case 'team':
        return (teams.data ?? [])
          .filter((x) => role !== 'team_lead' || me?.user.team_ids.includes(x.id))
          .map((d) => ({ id: d.id, name: d.name }));
      case 'agent':
        return (agents.data ?? [])
          .map((d) => ({ id: d.id, name: d.name }))
          .sort((a, b) => a.name.localeCompare(b.name));
      default:
        return [];
    }
  }, [scopeKind, desks.data, teams.data, agents.data, role, me]);

  const draft: GoalDraft | null = useMemo(() => {
    const value = Number(targetValue.replace(',', '.'));
    if (!kpiId || targetValue.trim() === '' || !Number.isFinite(value)) return null;
    if (scopeKind !== 'organization' && !scopeId) return null;
    return {
      ...(name.trim() ? { name: name.trim() } : {}),
      kpi: kpiId,
      scope: scopeKind === 'organization' ? { kind: scopeKind } : { kind: scopeKind, id: scopeId },
      target: { kind: targetKind, value },
      start,
      deadline,
      ...(baselineFrom && baselineTo ? { baseline: { from: baselineFrom, to: baselineTo } } : {}),
      owner: { name: ownerName.trim() || (me?.user.name ?? ''), role: ownerRole },
      ...(kpi?.source === 'manual' ? { cadence } : {}),
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      ...(actions.length
        ? {
            actions: actions
              .filter((a) => a.title.trim())
              .map((a) => ({ title: a.title, owner: a.owner, due: a.due })),
          }
        : {}),
    };
  }, [
    kpiId,
    scopeKind,
    scopeId,
    targetKind,
    targetValue,
    start,
    deadline,
    baselineFrom,
    baselineTo,
    ownerName,
    ownerRole,
    cadence,
    name,
    notes,
    actions,
    kpi,
    me,
  ]);

  /** The edit of a stored goal: only what may change (the owner only when it changed, keeping its user). */
  const edit: GoalEdit | null = useMemo(() => {
    if (!goal || !draft) return null;
    const owner = { name: ownerName.trim() || goal.owner.name, role: ownerRole };
    return {
      ...(name.trim() && name.trim() !== goal.name ? { name: name.trim() } : {}),
      target: draft.target,
      deadline,
      ...(owner.name !== goal.owner.name || owner.role !== goal.owner.role ? { owner } : {}),
      ...(kpi?.source === 'manual' ? { cadence } : {}),
      notes: notes.trim() || null,
    };
  }, [goal, draft, name, deadline, ownerName, ownerRole, kpi, cadence, notes]);

  // Admins, managers and team leads set goals; the others read them.
  const mayWrite = role === 'admin' || role === 'manager' || role === 'team_lead';
  const checkPath = goal ? `/goals/${goal.id}/check` : '/goals/check';
  const canCheck = mayWrite && caps?.has(goal ? 'POST /api/v1/goals/{id}/check' : 'POST /api/v1/goals/check');
  const canSave = caps?.has(goal ? 'PATCH /api/v1/goals/{id}' : 'POST /api/v1/goals');
  const body = goal ? edit : draft;
  const draftKey = JSON.stringify(body);
  // The SMART check, live: half a second after the last change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: draftKey stands for the draft
  useEffect(() => {
    if (!body || !canCheck) return;
    setChecking(true);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      request<GoalCheck>(checkPath, { method: 'POST', body, signal: controller.signal })
        .then((c) => {
          setCheck(c);
          setCheckError(null);
        })
        .catch((e: unknown) => {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          setCheckError(e);
        })
        .finally(() => setChecking(false));
    }, 500);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [draftKey, canCheck, checkPath]);

  const save = async (event: FormEvent, force = false) => {
    event.preventDefault();
    if (!body) return;
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await request<GoalCheck>(goal ? `/goals/${goal.id}` : '/goals', {
        method: goal ? 'PATCH' : 'POST',
        body: force ? { ...body, force: true } : body,
      });
      invalidate('/goals');
      if (goal) invalidate(`/goals/${goal.id}`);
      if (saved.goal) navigate(`/goals/${saved.goal.id}`);
      else setCheck(saved);
    } catch (e) {
      // 422: a SMART letter failed and nothing was saved; the answer is the check.
      if (
        e instanceof ApiError &&
        e.status === 422 &&
        e.body &&
        typeof e.body === 'object' &&
        'smart' in e.body
      ) {
        setCheck(e.body as GoalCheck);
      } else setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const title = goal ? t('goals.editTitle', { name: goal.name }) : t('goals.new');
  const back = goal ? (
    <Link to={`/goals/${goal.id}`}>{goal.name}</Link>
  ) : (
    <Link to="/goals">{t('goals.title')}</Link>
  );
  if (!mayWrite) {
    return (
      <>
        <PageHeader title={title} subtitle={back} />
        <p className="notice">{t('error.forbidden')}</p>
      </>
    );
  }
  if (caps && !canSave) {
    return (
      <>
        <PageHeader title={title} />
        <NotAvailable what={title} />
      </>
    );
  }
  const smartFailed = check !== null && !check.smart.ok;
  return (
    <>
      <PageHeader title={title} subtitle={back} />
      {editing && <p className="muted small">{t('goals.editFixed')}</p>}
      <div className="goal-form-layout">
        <form className="form card" onSubmit={(e) => void save(e)} aria-describedby="smart-panel">
          <Field label={t('kpi.kpi')}>
            <select name="kpi" value={kpiId} disabled={editing} onChange={(e) => setKpiId(e.target.value)}>
              {(kras.data ?? []).map((k) => (
                <optgroup key={k.id} label={`KRA ${k.id} · ${kraName(locale, k.id, k.name)}`}>
                  {k.kpis.map((id) => (
                    <option key={id} value={id}>
                      {kpiName(locale, id, byId.get(id)?.name ?? id)}
                    </option>
                  ))}
                </optgroup>
              ))}
              <optgroup label={t('kpis.other')}>
                {(kpis.data ?? [])
                  .filter((k) => k.kra === null)
                  .map((k) => (
                    <option key={k.id} value={k.id}>
                      {kpiName(locale, k.id, k.name)}
                    </option>
                  ))}
              </optgroup>
            </select>
          </Field>
          {kpi && <p className="muted small">{kpi.description}</p>}
          <div className="form-row">
            <Field label={t('goals.scope')}>
              <select
                name="scope_kind"
                value={scopeKind}
                disabled={editing}
                onChange={(e) => {
                  setScopeKind(e.target.value as ScopeKind);
                  setScopeId('');
                }}
              >
                {(['organization', 'desk', 'team', 'agent'] as const)
                  .filter((k) => role !== 'team_lead' || k === 'team' || k === 'agent')
                  .map((k) => (
                    <option
                      key={k}
                      value={k}
                      disabled={k !== 'organization' && kpi !== undefined && !kpi.dimensions.includes(k)}
                    >
                      {t(`scope.${k}`)}
                    </option>
                  ))}
              </select>
            </Field>
            {scopeKind !== 'organization' && (
              <Field label={t(`scope.${scopeKind}`)}>
                <select
                  name="scope_id"
                  value={scopeId}
                  disabled={editing}
                  onChange={(e) => setScopeId(e.target.value)}
                >
                  <option value="">{t('common.choose')}</option>
                  {scopeOptions.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </Field>
            )}
          </div>
          <div className="form-row">
            <Field label={t('goals.targetKind')}>
              <select
                name="target_kind"
                value={targetKind}
                onChange={(e) => setTargetKind(e.target.value as TargetKind)}
              >
                <option value="absolute">{t('goals.absolute')}</option>
                <option value="percent_change">{t('goals.percentChange')}</option>
                <option value="points_change">{t('goals.pointsChange')}</option>
              </select>
            </Field>
            <Field
              label={t('kpi.target')}
              hint={
                targetKind === 'absolute'
                  ? kpi && t(`unit.${kpi.unit === 'seconds' ? 'seconds' : 'other'}`)
                  : t('goals.changeHint')
              }
            >
              <input
                name="target"
                inputMode="decimal"
                value={targetValue}
                onChange={(e) => setTargetValue(e.target.value)}
              />
            </Field>
          </div>
          <div className="form-row">
            <Field label={t('goals.start')}>
              <input
                type="date"
                name="start"
                value={start}
                disabled={editing}
                onChange={(e) => setStart(e.target.value)}
              />
            </Field>
            <Field label={t('goals.deadline')}>
              <input
                type="date"
                name="deadline"
                value={deadline}
                onChange={(e) => setDeadline(e.target.value)}
              />
            </Field>
          </div>
          <details>
            <summary>{t('goals.baselinePeriod')}</summary>
            <p className="muted small">
              {t('goals.baselineDefault', {
                from: formatDate(addDays(start, -28), locale),
                to: formatDate(addDays(start, -1), locale),
              })}
            </p>
            <div className="form-row">
              <Field label={t('common.from')}>
                <input
                  type="date"
                  value={baselineFrom}
                  disabled={editing}
                  onChange={(e) => setBaselineFrom(e.target.value)}
                />
              </Field>
              <Field label={t('common.to')}>
                <input
                  type="date"
                  value={baselineTo}
                  disabled={editing}
                  onChange={(e) => setBaselineTo(e.target.value)}
                />
              </Field>
            </div>
          </details>
          <div className="form-row">
            <Field label={t('goals.owner')}>
              <input name="owner" value={ownerName} onChange={(e) => setOwnerName(e.target.value)} />
            </Field>
            <Field label={t('goals.ownerRole')}>
              <select value={ownerRole} onChange={(e) => setOwnerRole(e.target.value as OwnerRole)}>
                <option value="manager">{t('role.manager')}</option>
                <option value="team_lead">{t('role.team_lead')}</option>
                <option value="agent">{t('role.agent')}</option>
              </select>
            </Field>
          </div>
          {kpi?.source === 'manual' && (
            <Field label={t('goals.cadence')}>
              <select value={cadence} onChange={(e) => setCadence(e.target.value)}>
                {(['daily', 'weekly', 'monthly', 'quarterly'] as const).map((c) => (
                  <option key={c} value={c}>
                    {t(`cadence.${c}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('goals.name')} hint={t('goals.nameHint')}>
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('goals.notes')}>
            <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </Field>
          {!editing && (
            <fieldset className="actions-editor">
              <legend>{t('goals.actionPlan')}</legend>
              {actions.map((a, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
                <div className="form-row" key={i}>
                  <Field label={t('goals.actionTitle')}>
                    <input
                      value={a.title}
                      onChange={(e) =>
                        setActions(actions.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)))
                      }
                    />
                  </Field>
                  <Field label={t('goals.owner')}>
                    <input
                      value={a.owner}
                      onChange={(e) =>
                        setActions(actions.map((x, j) => (j === i ? { ...x, owner: e.target.value } : x)))
                      }
                    />
                  </Field>
                  <Field label={t('goals.due')}>
                    <input
                      type="date"
                      value={a.due}
                      onChange={(e) =>
                        setActions(actions.map((x, j) => (j === i ? { ...x, due: e.target.value } : x)))
                      }
                    />
                  </Field>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setActions(actions.filter((_, j) => j !== i))}
                  >
                    {t('common.remove')}
                  </button>
                </div>
              ))}
              <button
                type="button"
                className="button-secondary small"
                onClick={() =>
                  setActions([...actions, { title: '', owner: ownerName, due: addMonths(start, 1) }])
                }
              >
                + {t('goals.addAction')}
              </button>
            </fieldset>
          )}
          {saveError ? <ErrorBox error={saveError} /> : null}
          <div className="form-buttons">
            <button type="submit" className="button-primary" disabled={!body || saving || smartFailed}>
              {saving ? t('common.working') : editing ? t('goals.saveChanges') : t('goals.save')}
            </button>
            {smartFailed && (
              <button
                type="button"
                className="button-secondary"
                disabled={!body || saving}
                onClick={(e) => void save(e, true)}
              >
                {t('goals.saveAnyway')}
              </button>
            )}
          </div>
        </form>
        <aside
          id="smart-panel"
          className="card smart-panel"
          aria-live="polite"
          aria-label={t('goals.smartCheck')}
        >
          <h2 className="card-title">{t('goals.smartCheck')}</h2>
          {!canCheck && caps ? (
            <NotAvailable what={t('goals.smartCheck')} />
          ) : checkError ? (
            <ErrorBox error={checkError} />
          ) : (
            <>
              {check?.baseline && kpi && (
                <p className="small">
                  {t('goals.baselineIs', {
                    value: formatValue(check.baseline.value, kpi.unit, locale),
                    n: formatInteger(check.baseline.n, locale),
                    from: formatDate(check.baseline.from, locale),
                    to: formatDate(check.baseline.to, locale),
                  })}
                  {check.target_value !== undefined && check.target_value !== null && (
                    <> {t('goals.targetIs', { value: formatValue(check.target_value, kpi.unit, locale) })}</>
                  )}
                </p>
              )}
              <SmartView check={check?.smart ?? null} busy={checking} />
            </>
          )}
        </aside>
      </div>
    </>
  );
}

export function GoalDetailPage({ id }: { id: number }) {
  const { t, locale, role } = useSession();
  const caps = useCapabilities();
  const available = caps?.has(GOALS);
  const goal = useGet<{ goal: Goal; history: StatusChange[] }>(available ? `/goals/${id}` : null);
  const kpis = kpiById(useKpis().data);
  const canEdit = role === 'admin' || role === 'manager' || role === 'team_lead';
  if (caps && !available) return <NotAvailable what={t('nav.goals')} />;
  if (goal.error)
    return (
      <>
        <PageHeader title={t('goals.title')} />
        <ErrorBox error={goal.error} onRetry={goal.reload} />
      </>
    );
  if (!goal.data) return <Skeleton lines={10} />;
  const g = goal.data.goal;
  const history = goal.data.history;
  const kpi = kpis.get(g.kpi);
  return (
    <>
      <PageHeader
        title={g.name}
        actions={
          canEdit &&
          caps?.has('PATCH /api/v1/goals/{id}') && (
            <Link to={`/goals/${g.id}/edit`} className="button-primary">
              {t('goals.edit')}
            </Link>
          )
        }
        subtitle={
          <>
            <Link to="/goals">{t('goals.title')}</Link> ·{' '}
            <Link to={`/kpis/${g.kpi}`}>{kpiName(locale, g.kpi, g.kpi_name)}</Link> · {scopeText(t, g.scope)}{' '}
            · {t('goals.ownedBy', { owner: g.owner.name })}
          </>
        }
      />
      <div className="grid-2">
        <Card title={t('goals.state')}>
          <p>
            <StatusBadge status={g.status} /> <span className="small">{g.reason}</span>
          </p>
          <ProgressBar value={g.progress} label={t('goals.progressOf', { name: g.name })} />
          <dl className="facts-grid">
            <dt>{t('goals.baseline')}</dt>
            <dd>
              {formatValue(g.baseline.value, g.unit, locale)}{' '}
              <span className="muted small">
                ({formatDate(g.baseline.from, locale)} – {formatDate(g.baseline.to, locale)}, n ={' '}
                {formatInteger(g.baseline.n, locale)})
              </span>
            </dd>
            <dt>{t('kpi.target')}</dt>
            <dd>
              {formatValue(g.target.value, g.unit, locale)}{' '}
              <span className="muted small">
                (
                {t(
                  `goals.${g.target.kind === 'absolute' ? 'absolute' : g.target.kind === 'percent_change' ? 'percentChange' : 'pointsChange'}`,
                )}{' '}
                {formatNumber(g.target.input, locale)})
              </span>
            </dd>
            <dt>{t('goals.current')}</dt>
            <dd>
              {formatValue(g.current.value, g.unit, locale)}{' '}
              <span className="muted small">
                ({formatDate(g.current.from, locale)} – {formatDate(g.current.to, locale)}, n ={' '}
                {formatInteger(g.current.n, locale)}
                {g.current.ci_low !== null &&
                  g.current.ci_high !== null &&
                  `, ${t('kpi.interval')} ${formatValue(g.current.ci_low, g.unit, locale)}–${formatValue(g.current.ci_high, g.unit, locale)}`}
                )
              </span>
              {!g.current.significant && <StatusBadge status="not_significant" />}
            </dd>
            <dt>{t('goals.pace')}</dt>
            <dd>
              {formatDelta(g.pace, 'points', locale)}{' '}
              <span className="muted small">
                {t('goals.elapsed', { pct: formatNumber(g.elapsed_pct, locale, 0) })}
              </span>
            </dd>
            <dt>{t('goals.period')}</dt>
            <dd>
              {formatDate(g.start, locale)} – {formatDate(g.deadline, locale)}
            </dd>
          </dl>
          {g.notes && <p className="small">{g.notes}</p>}
          {kpi && <p className="muted small">{kpi.description}</p>}
        </Card>
        <Card title={t('goals.smartCheck')}>
          <SmartView check={g.smart} />
        </Card>
      </div>
      <ActionPlan
        goal={g}
        canEdit={canEdit && !!caps?.has('POST /api/v1/goals/{id}/actions')}
        canPatch={canEdit && !!caps?.has('PATCH /api/v1/goals/{id}/actions/{seq}')}
        onChange={goal.reload}
      />
      {history.length > 0 && (
        <Card title={t('goals.history')}>
          <ul className="plain-list">
            {history.map((h) => (
              <li key={h.seq}>
                {formatDate(h.asOf, locale)}: {h.from ? t(`status.${h.from}`) : '–'} →{' '}
                <StatusBadge status={h.to} /> <span className="muted small">{h.reason}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

function ActionPlan({
  goal,
  canEdit,
  canPatch,
  onChange,
}: {
  goal: Goal;
  canEdit: boolean;
  canPatch: boolean;
  onChange: () => void;
}) {
  const { t, locale, today } = useSession();
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState(addMonths(today, 1));
  const [error, setError] = useState<unknown>(null);
  const done = () => {
    invalidate('/goals');
    onChange();
  };
  const setStatus = async (seq: number, status: ActionStatus) => {
    try {
      await request(`/goals/${goal.id}/actions/${seq}`, { method: 'PATCH', body: { status } });
      done();
    } catch (e) {
      setError(e);
    }
  };
  const add = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await request(`/goals/${goal.id}/actions`, { method: 'POST', body: { title, owner, due } });
      setTitle('');
      done();
    } catch (e) {
      setError(e);
    }
  };
  const columns: Column<Goal['actions'][number]>[] = [
    { key: 'seq', header: '#', value: (a) => a.seq },
    { key: 'title', header: t('goals.actionTitle'), value: (a) => a.title },
    { key: 'owner', header: t('goals.owner'), value: (a) => a.owner },
    { key: 'due', header: t('goals.due'), value: (a) => a.due, render: (a) => formatDate(a.due, locale) },
    {
      key: 'status',
      header: t('kpi.status'),
      value: (a) => a.status,
      render: (a) =>
        canPatch ? (
          <select
            aria-label={t('goals.actionStatusOf', { title: a.title })}
            value={a.status}
            onChange={(e) => void setStatus(a.seq, e.target.value as ActionStatus)}
          >
            {ACTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`action.${s}`)}
              </option>
            ))}
          </select>
        ) : (
          t(`action.${a.status}`)
        ),
    },
  ];
  return (
    <Card title={t('goals.actionPlan')}>
      {error ? <ErrorBox error={error} /> : null}
      {goal.actions.length === 0 ? (
        <Empty>{t('goals.noActions')}</Empty>
      ) : (
        <DataTable
          caption={t('goals.actionPlan')}
          columns={columns}
          rows={goal.actions}
          rowKey={(a) => String(a.seq)}
        />
      )}
      {canEdit && (
        <form className="form-row" onSubmit={(e) => void add(e)}>
          <Field label={t('goals.actionTitle')}>
            <input value={title} onChange={(e) => setTitle(e.target.value)} required />
          </Field>
          <Field label={t('goals.owner')}>
            <input value={owner} onChange={(e) => setOwner(e.target.value)} required />
          </Field>
          <Field label={t('goals.due')}>
            <input type="date" value={due} onChange={(e) => setDue(e.target.value)} required />
          </Field>
          <button type="submit" className="button-secondary" disabled={!title.trim() || !owner.trim()}>
            + {t('goals.addAction')}
          </button>
        </form>
      )}
    </Card>
  );
}
