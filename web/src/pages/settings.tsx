import { type FormEvent, useEffect, useState } from 'react';
import { kpiById, useAgents, useKpis, useKras, useTeams } from '../api/catalogue';
import { request } from '../api/client';
import { invalidate, useCapabilities, useGet } from '../api/hooks';
import type {
  ApiToken,
  Me,
  Organization,
  OwnerRole,
  Role,
  Schedule,
  ScheduleInterval,
  ScorecardTemplate,
  ScoringSettings,
  SlaPolicy,
  SlaTarget,
  User,
} from '../api/types';
import { PageHeader } from '../components/layout';
import { type Column, DataTable } from '../components/table';
import {
  Async,
  Card,
  Empty,
  ErrorBox,
  Field,
  NotAvailable,
  ScrollRegion,
  StatusBadge,
  Tabs,
} from '../components/ui';
import { formatDate, formatDuration } from '../format';
import { useSession } from '../session';
import { kpiName, kraName } from './names';

type Tab = 'organization' | 'users' | 'tokens' | 'schedules' | 'sla' | 'scorecards' | 'counterweights';
const ROLES: Role[] = ['admin', 'manager', 'team_lead', 'agent', 'viewer'];

export function SettingsPage() {
  const { t, role } = useSession();
  const tabs: Array<{ key: Tab; label: string }> = [
    { key: 'organization', label: t('settings.organization') },
    ...(role === 'admin' || role === 'manager'
      ? [{ key: 'users' as const, label: t('settings.users') }]
      : []),
    { key: 'tokens', label: t('settings.tokens') },
    { key: 'schedules', label: t('settings.schedules') },
    { key: 'sla', label: t('settings.sla') },
    { key: 'scorecards', label: t('settings.scorecards') },
    { key: 'counterweights', label: t('settings.counterweights') },
  ];
  const [tab, setTab] = useState<Tab>('organization');
  return (
    <>
      <PageHeader
        title={t('settings.title')}
        subtitle={role === 'admin' ? t('settings.adminNote') : t('settings.readOnly')}
      />
      <Tabs label={t('settings.title')} items={tabs} value={tab} onChange={setTab} />
      <div role="tabpanel" className="tab-panel">
        {tab === 'organization' && <OrganizationSettings />}
        {tab === 'users' && <Users />}
        {tab === 'tokens' && <Tokens />}
        {tab === 'schedules' && <Schedules />}
        {tab === 'sla' && <SlaPolicies />}
        {tab === 'scorecards' && <ScorecardWeights />}
        {tab === 'counterweights' && <Counterweights />}
      </div>
    </>
  );
}

function useSave() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await fn();
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, done, run };
}

function SaveStatus({ state }: { state: ReturnType<typeof useSave> }) {
  const { t } = useSession();
  return (
    <span aria-live="polite">
      {state.error ? <ErrorBox error={state.error} /> : null}
      {state.busy && <span className="muted">{t('common.working')}</span>}
      {state.done && !state.busy && <StatusBadge status="succeeded" label={t('settings.saved')} />}
    </span>
  );
}

function OrganizationSettings() {
  const { t, role, me, setMe } = useSession();
  const org = useGet<Organization>('/organization');
  const [name, setName] = useState('');
  const [zone, setZone] = useState('');
  const save = useSave();
  useEffect(() => {
    if (org.data) {
      setName(org.data.name);
      setZone(org.data.time_zone);
    }
  }, [org.data]);
  const admin = role === 'admin';
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      const updated = await request<Organization>('/organization', {
        method: 'PATCH',
        body: { name, time_zone: zone },
      });
      invalidate('/organization');
      if (me) setMe({ ...me, organization: updated } satisfies Me);
    });
  };
  return (
    <Card title={t('settings.organization')}>
      <Async state={org} skeleton={3}>
        {() => (
          <form className="form" onSubmit={submit}>
            <Field label={t('settings.orgName')}>
              <input value={name} onChange={(e) => setName(e.target.value)} disabled={!admin} />
            </Field>
            <Field label={t('settings.timeZone')} hint={t('settings.timeZoneHint')}>
              <input
                list="time-zones"
                value={zone}
                onChange={(e) => setZone(e.target.value)}
                disabled={!admin}
              />
            </Field>
            <datalist id="time-zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            {admin && (
              <div className="form-buttons">
                <button type="submit" className="button-primary" disabled={save.busy}>
                  {t('common.save')}
                </button>
                <SaveStatus state={save} />
              </div>
            )}
          </form>
        )}
      </Async>
    </Card>
  );
}

function Secret({ label, value }: { label: string; value: string }) {
  const { t } = useSession();
  return (
    <div className="secret" role="status">
      <p>
        <strong>{label}</strong> {t('settings.shownOnce')}
      </p>
      <code>{value}</code>{' '}
      <button
        type="button"
        className="button-secondary small"
        onClick={() => void navigator.clipboard?.writeText(value)}
      >
        {t('settings.copy')}
      </button>
    </div>
  );
}

function Users() {
  const { t, role, locale } = useSession();
  const users = useGet<User[]>('/users');
  const agents = useAgents();
  const teams = useTeams();
  const admin = role === 'admin';
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const save = useSave();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [newRole, setNewRole] = useState<Role>('viewer');
  const [agentId, setAgentId] = useState('');
  const [teamId, setTeamId] = useState('');
  const reload = () => {
    invalidate('/users');
    users.reload();
  };
  const patch = (u: User, body: Record<string, unknown>) =>
    save.run(async () => {
      await request(`/users/${u.id}`, { method: 'PATCH', body });
      reload();
    });
  const create = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      const made = await request<{ user: User; one_time_password: string }>('/users', {
        method: 'POST',
        body: {
          email,
          name,
          role: newRole,
          ...(newRole === 'agent' && agentId ? { agent_id: agentId } : {}),
          ...(newRole === 'team_lead' && teamId ? { team_ids: [teamId] } : {}),
        },
      });
      setSecret({
        label: t('settings.oneTimePassword', { email: made.user.email }),
        value: made.one_time_password,
      });
      setEmail('');
      setName('');
      reload();
    });
  };
  const columns: Column<User>[] = [
    { key: 'name', header: t('settings.name'), value: (u) => u.name },
    { key: 'email', header: t('login.email'), value: (u) => u.email },
    {
      key: 'role',
      header: t('settings.role'),
      value: (u) => u.role,
      render: (u) =>
        admin ? (
          <select
            aria-label={t('settings.roleOf', { name: u.name })}
            value={u.role}
            onChange={(e) => void patch(u, { role: e.target.value })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        ) : (
          t(`role.${u.role}`)
        ),
    },
    { key: 'scope', header: t('settings.scope'), value: (u) => u.agent_id ?? u.team_ids.join(', ') },
    {
      key: 'state',
      header: t('kpi.status'),
      value: (u) => (u.disabled_at ? 'disabled' : 'active'),
      render: (u) =>
        u.disabled_at ? (
          <StatusBadge status="failed" label={t('settings.disabled')} />
        ) : (
          <StatusBadge status="succeeded" label={t('settings.active')} />
        ),
    },
    {
      key: 'created',
      header: t('settings.created'),
      value: (u) => u.created_at,
      render: (u) => formatDate(u.created_at, locale),
    },
    ...(admin
      ? [
          {
            key: 'actions',
            header: t('settings.actions'),
            sortable: false,
            value: () => null,
            render: (u: User) => (
              <span className="row-actions">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void patch(u, { disabled: !u.disabled_at })}
                >
                  {u.disabled_at ? t('settings.enable') : t('settings.disable')}
                </button>
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    void save.run(async () => {
                      const r = await request<{ one_time_password: string }>(
                        `/users/${u.id}/reset-password`,
                        { method: 'POST' },
                      );
                      setSecret({
                        label: t('settings.oneTimePassword', { email: u.email }),
                        value: r.one_time_password,
                      });
                    })
                  }
                >
                  {t('settings.resetPassword')}
                </button>
                <button
                  type="button"
                  className="link-button danger"
                  onClick={() => {
                    if (window.confirm(t('settings.confirmDelete', { name: u.name })))
                      void save.run(async () => {
                        await request(`/users/${u.id}`, { method: 'DELETE' });
                        reload();
                      });
                  }}
                >
                  {t('common.remove')}
                </button>
              </span>
            ),
          } satisfies Column<User>,
        ]
      : []),
  ];
  return (
    <Card title={t('settings.users')}>
      {secret && <Secret label={secret.label} value={secret.value} />}
      <SaveStatus state={save} />
      <Async state={users} skeleton={5}>
        {(list) => (
          <DataTable
            caption={t('settings.users')}
            columns={columns}
            rows={list}
            rowKey={(u) => String(u.id)}
          />
        )}
      </Async>
      {admin && (
        <form className="form" onSubmit={create}>
          <h3>{t('settings.newUser')}</h3>
          <div className="form-row">
            <Field label={t('login.email')}>
              <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
            </Field>
            <Field label={t('settings.name')}>
              <input value={name} onChange={(e) => setName(e.target.value)} required />
            </Field>
            <Field label={t('settings.role')}>
              <select value={newRole} onChange={(e) => setNewRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}`)}
                  </option>
                ))}
              </select>
            </Field>
            {newRole === 'agent' && (
              <Field label={t('scope.agent')}>
                <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
                  <option value="">{t('common.choose')}</option>
                  {(agents.data ?? []).map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            {newRole === 'team_lead' && (
              <Field label={t('scope.team')}>
                <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
                  <option value="">{t('common.choose')}</option>
                  {(teams.data ?? []).map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </Field>
            )}
          </div>
          <div className="form-buttons">
            <button type="submit" className="button-primary" disabled={!email || !name || save.busy}>
              {t('settings.create')}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

function Tokens() {
  const { t, locale, role } = useSession();
  const tokens = useGet<ApiToken[]>('/tokens');
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [days, setDays] = useState('90');
  const [secret, setSecret] = useState<string | null>(null);
  const save = useSave();
  const reload = () => {
    invalidate('/tokens');
    tokens.reload();
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      const made = await request<{ token: string }>('/tokens', {
        method: 'POST',
        body: { name, scopes: write ? ['read', 'write'] : ['read'], expires_in_days: Number(days) || 90 },
      });
      setSecret(made.token);
      setName('');
      reload();
    });
  };
  const columns: Column<ApiToken>[] = [
    { key: 'name', header: t('settings.name'), value: (x) => x.name },
    { key: 'scopes', header: t('settings.scopes'), value: (x) => x.scopes.join(', ') },
    {
      key: 'created',
      header: t('settings.created'),
      value: (x) => x.created_at,
      render: (x) => formatDate(x.created_at, locale),
    },
    {
      key: 'expires',
      header: t('settings.expires'),
      value: (x) => x.expires_at,
      render: (x) => formatDate(x.expires_at, locale),
    },
    {
      key: 'used',
      header: t('settings.lastUsed'),
      value: (x) => x.last_used_at,
      render: (x) => formatDate(x.last_used_at, locale),
    },
    {
      key: 'state',
      header: t('kpi.status'),
      value: (x) => (x.revoked_at ? 'revoked' : 'active'),
      render: (x) =>
        x.revoked_at ? (
          <StatusBadge status="failed" label={t('settings.revoked')} />
        ) : (
          <StatusBadge status="succeeded" label={t('settings.active')} />
        ),
    },
    {
      key: 'revoke',
      header: t('settings.actions'),
      sortable: false,
      value: () => null,
      render: (x) =>
        !x.revoked_at && role !== 'viewer' ? (
          <button
            type="button"
            className="link-button danger"
            onClick={() =>
              void save.run(async () => {
                await request(`/tokens/${x.id}`, { method: 'DELETE' });
                reload();
              })
            }
          >
            {t('settings.revoke')}
          </button>
        ) : null,
    },
  ];
  return (
    <Card title={t('settings.tokens')}>
      <p className="small muted">{t('settings.tokensHint')}</p>
      {secret && <Secret label={t('settings.newToken')} value={secret} />}
      <SaveStatus state={save} />
      <Async state={tokens} skeleton={3} isEmpty={(l) => l.length === 0} empty={t('settings.noTokens')}>
        {(list) => (
          <DataTable caption={t('settings.tokens')} columns={columns} rows={list} rowKey={(x) => x.id} />
        )}
      </Async>
      {role !== 'viewer' && (
        <form className="form" onSubmit={create}>
          <h3>{t('settings.newToken')}</h3>
          <div className="form-row">
            <Field label={t('settings.name')}>
              <input value={name} onChange={(e) => setName(e.target.value)} required />
            </Field>
            <Field label={t('settings.expiresInDays')}>
              <input type="number" min={1} max={366} value={days} onChange={(e) => setDays(e.target.value)} />
            </Field>
            <label className="check">
              <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} />
              {t('settings.writeScope')}
            </label>
          </div>
          <div className="form-buttons">
            <button type="submit" className="button-primary" disabled={!name || save.busy}>
              {t('settings.create')}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
function weekdayName(n: number, locale: 'en' | 'es') {
  return new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', {
    weekday: 'long',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(2024, 0, n)));
}

function Schedules() {
  const { t, role } = useSession();
  const schedules = useGet<Schedule[]>('/schedules');
  const [editing, setEditing] = useState<Schedule | null>(null);
  const admin = role === 'admin';
  return (
    <Card
      title={t('settings.schedules')}
      actions={
        admin && (
          <button
            type="button"
            className="button-secondary small"
            onClick={() =>
              setEditing({
                id: '',
                name: '',
                timeZone: 'UTC',
                isDefault: false,
                intervals: [1, 2, 3, 4, 5].map((d) => ({ weekday: d, start: '09:00', end: '17:00' })),
                holidays: [],
              })
            }
          >
            + {t('settings.newSchedule')}
          </button>
        )
      }
    >
      <p className="small muted">{t('settings.rederiveNote')}</p>
      <Async state={schedules} skeleton={3} isEmpty={(l) => l.length === 0} empty={t('settings.noSchedules')}>
        {(list) => (
          <ul className="plain-list">
            {list.map((s) => (
              <li key={s.id}>
                <ScheduleSummary s={s} />
                {admin && (
                  <button type="button" className="link-button" onClick={() => setEditing(s)}>
                    {t('common.edit')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Async>
      {editing && (
        <ScheduleEditor
          key={editing.id || 'new'}
          initial={editing}
          onDone={() => {
            setEditing(null);
            invalidate('/schedules');
            schedules.reload();
          }}
        />
      )}
    </Card>
  );
}

function ScheduleSummary({ s }: { s: Schedule }) {
  const { t, locale } = useSession();
  return (
    <div>
      <strong>{s.name}</strong> <code className="small">{s.id}</code> · {s.timeZone}
      {s.isDefault && <> · {t('settings.default')}</>}
      <p className="small muted">
        {s.intervals
          .map((i) => `${weekdayName(i.weekday, locale).slice(0, 3)} ${i.start}–${i.end}`)
          .join(', ')}
        {s.holidays.length > 0 && ` · ${t('settings.holidaysCount', { n: s.holidays.length })}`}
      </p>
    </div>
  );
}

function ScheduleEditor({ initial, onDone }: { initial: Schedule; onDone: () => void }) {
  const { t, locale } = useSession();
  const [s, setS] = useState<Schedule>(initial);
  const save = useSave();
  const setInterval = (i: number, patch: Partial<ScheduleInterval>) =>
    setS({ ...s, intervals: s.intervals.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      await request(`/schedules/${encodeURIComponent(s.id)}`, { method: 'PUT', body: s });
      onDone();
    });
  };
  return (
    <form className="form editor" onSubmit={submit}>
      <h3>{initial.id ? t('settings.editSchedule', { name: initial.name }) : t('settings.newSchedule')}</h3>
      <div className="form-row">
        <Field label="id">
          <input
            value={s.id}
            onChange={(e) => setS({ ...s, id: e.target.value })}
            disabled={!!initial.id}
            required
          />
        </Field>
        <Field label={t('settings.name')}>
          <input value={s.name} onChange={(e) => setS({ ...s, name: e.target.value })} required />
        </Field>
        <Field label={t('settings.timeZone')}>
          <input value={s.timeZone} onChange={(e) => setS({ ...s, timeZone: e.target.value })} required />
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={s.isDefault}
            onChange={(e) => setS({ ...s, isDefault: e.target.checked })}
          />
          {t('settings.default')}
        </label>
      </div>
      <fieldset>
        <legend>{t('settings.intervals')}</legend>
        {s.intervals.map((iv, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
          <div className="form-row" key={i}>
            <Field label={t('settings.weekday')}>
              <select
                value={iv.weekday}
                onChange={(e) => setInterval(i, { weekday: Number(e.target.value) })}
              >
                {WEEKDAYS.map((d) => (
                  <option key={d} value={d}>
                    {weekdayName(d, locale)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('common.from')}>
              <input
                type="time"
                value={iv.start}
                onChange={(e) => setInterval(i, { start: e.target.value })}
              />
            </Field>
            <Field label={t('common.to')}>
              <input
                value={iv.end}
                pattern="([01]\d|2[0-3]):[0-5]\d|24:00"
                onChange={(e) => setInterval(i, { end: e.target.value })}
              />
            </Field>
            <button
              type="button"
              className="link-button"
              onClick={() => setS({ ...s, intervals: s.intervals.filter((_, j) => j !== i) })}
            >
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button-secondary small"
          onClick={() =>
            setS({ ...s, intervals: [...s.intervals, { weekday: 1, start: '09:00', end: '17:00' }] })
          }
        >
          + {t('settings.addInterval')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('settings.holidays')}</legend>
        {s.holidays.map((h, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
          <div className="form-row" key={i}>
            <Field label={t('settings.day')}>
              <input
                type="date"
                value={h.day}
                onChange={(e) =>
                  setS({
                    ...s,
                    holidays: s.holidays.map((x, j) => (j === i ? { ...x, day: e.target.value } : x)),
                  })
                }
              />
            </Field>
            <Field label={t('settings.name')}>
              <input
                value={h.name}
                onChange={(e) =>
                  setS({
                    ...s,
                    holidays: s.holidays.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)),
                  })
                }
              />
            </Field>
            <button
              type="button"
              className="link-button"
              onClick={() => setS({ ...s, holidays: s.holidays.filter((_, j) => j !== i) })}
            >
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button-secondary small"
          onClick={() => setS({ ...s, holidays: [...s.holidays, { day: '', name: '' }] })}
        >
          + {t('settings.addHoliday')}
        </button>
      </fieldset>
      <div className="form-buttons">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {t('common.save')}
        </button>
        <button type="button" className="button-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <SaveStatus state={save} />
      </div>
    </form>
  );
}

const METRICS: SlaTarget['metric'][] = ['first_reply', 'next_reply', 'resolution'];
const PRIORITY_LIST: SlaTarget['priority'][] = ['urgent', 'high', 'normal', 'low'];

function SlaPolicies() {
  const { t, role, locale } = useSession();
  const policies = useGet<SlaPolicy[]>('/sla-policies');
  const schedules = useGet<Schedule[]>('/schedules');
  const [editing, setEditing] = useState<SlaPolicy | null>(null);
  const admin = role === 'admin';
  return (
    <Card
      title={t('settings.sla')}
      actions={
        admin && (
          <button
            type="button"
            className="button-secondary small"
            onClick={() =>
              setEditing({
                id: '',
                name: '',
                position: (policies.data?.length ?? 0) + 1,
                conditions: { all: [], any: [] },
                pausingStatuses: ['pending', 'on_hold'],
                scheduleId: null,
                targets: [
                  { priority: 'normal', metric: 'first_reply', targetSeconds: 3600, businessHours: true },
                ],
              })
            }
          >
            + {t('settings.newPolicy')}
          </button>
        )
      }
    >
      <p className="small muted">{t('settings.rederiveNote')}</p>
      <Async state={policies} skeleton={4} isEmpty={(l) => l.length === 0} empty={t('settings.noPolicies')}>
        {(list) => (
          <ul className="plain-list">
            {[...list]
              .sort((a, b) => a.position - b.position)
              .map((p) => (
                <li key={p.id}>
                  <strong>
                    {p.position}. {p.name}
                  </strong>{' '}
                  <code className="small">{p.id}</code>
                  <p className="small muted">
                    {p.targets
                      .map(
                        (x) =>
                          `${t(`sla.metric.${x.metric}`)} · ${x.priority}: ${formatDuration(x.targetSeconds, locale)}`,
                      )
                      .join('; ')}
                  </p>
                  {admin && (
                    <button type="button" className="link-button" onClick={() => setEditing(p)}>
                      {t('common.edit')}
                    </button>
                  )}
                </li>
              ))}
          </ul>
        )}
      </Async>
      {editing && (
        <PolicyEditor
          key={editing.id || 'new'}
          initial={editing}
          schedules={schedules.data ?? []}
          onDone={() => {
            setEditing(null);
            invalidate('/sla-policies');
            policies.reload();
          }}
        />
      )}
    </Card>
  );
}

function PolicyEditor({
  initial,
  schedules,
  onDone,
}: {
  initial: SlaPolicy;
  schedules: Schedule[];
  onDone: () => void;
}) {
  const { t } = useSession();
  const [p, setP] = useState<SlaPolicy>(initial);
  const [conditions, setConditions] = useState(JSON.stringify(initial.conditions, null, 2));
  const [conditionsError, setConditionsError] = useState<string | null>(null);
  const save = useSave();
  const setTarget = (i: number, patch: Partial<SlaTarget>) =>
    setP({ ...p, targets: p.targets.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let parsed: SlaPolicy['conditions'];
    try {
      parsed = JSON.parse(conditions) as SlaPolicy['conditions'];
      setConditionsError(null);
    } catch (err) {
      setConditionsError(err instanceof Error ? err.message : String(err));
      return;
    }
    void save.run(async () => {
      await request(`/sla-policies/${encodeURIComponent(p.id)}`, {
        method: 'PUT',
        body: { ...p, conditions: parsed },
      });
      onDone();
    });
  };
  return (
    <form className="form editor" onSubmit={submit}>
      <h3>{initial.id ? t('settings.editPolicy', { name: initial.name }) : t('settings.newPolicy')}</h3>
      <div className="form-row">
        <Field label="id">
          <input
            value={p.id}
            onChange={(e) => setP({ ...p, id: e.target.value })}
            disabled={!!initial.id}
            required
          />
        </Field>
        <Field label={t('settings.name')}>
          <input value={p.name} onChange={(e) => setP({ ...p, name: e.target.value })} required />
        </Field>
        <Field label={t('settings.position')}>
          <input
            type="number"
            value={p.position}
            onChange={(e) => setP({ ...p, position: Number(e.target.value) })}
          />
        </Field>
        <Field label={t('settings.schedule')}>
          <select
            value={p.scheduleId ?? ''}
            onChange={(e) => setP({ ...p, scheduleId: e.target.value || null })}
          >
            <option value="">{t('settings.defaultSchedule')}</option>
            {schedules.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset>
        <legend>{t('settings.targets')}</legend>
        {p.targets.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
          <div className="form-row" key={i}>
            <Field label={t('sla.metricLabel')}>
              <select
                value={x.metric}
                onChange={(e) => setTarget(i, { metric: e.target.value as SlaTarget['metric'] })}
              >
                {METRICS.map((m) => (
                  <option key={m} value={m}>
                    {t(`sla.metric.${m}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('dim.priority')}>
              <select
                value={x.priority}
                onChange={(e) => setTarget(i, { priority: e.target.value as SlaTarget['priority'] })}
              >
                {PRIORITY_LIST.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('settings.targetMinutes')}>
              <input
                type="number"
                min={1}
                value={Math.round(x.targetSeconds / 60)}
                onChange={(e) => setTarget(i, { targetSeconds: Math.max(1, Number(e.target.value)) * 60 })}
              />
            </Field>
            <label className="check">
              <input
                type="checkbox"
                checked={x.businessHours ?? true}
                onChange={(e) => setTarget(i, { businessHours: e.target.checked })}
              />
              {t('sla.businessHours')}
            </label>
            <button
              type="button"
              className="link-button"
              onClick={() => setP({ ...p, targets: p.targets.filter((_, j) => j !== i) })}
            >
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button-secondary small"
          onClick={() =>
            setP({
              ...p,
              targets: [
                ...p.targets,
                { priority: 'normal', metric: 'resolution', targetSeconds: 86400, businessHours: true },
              ],
            })
          }
        >
          + {t('settings.addTarget')}
        </button>
      </fieldset>
      <Field
        label={t('settings.conditions')}
        hint={t('settings.conditionsHint')}
        error={conditionsError ?? undefined}
      >
        <textarea
          rows={5}
          className="code"
          value={conditions}
          onChange={(e) => setConditions(e.target.value)}
        />
      </Field>
      <div className="form-buttons">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {t('common.save')}
        </button>
        <button type="button" className="button-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <SaveStatus state={save} />
      </div>
    </form>
  );
}

function useScoringSettings() {
  const caps = useCapabilities();
  const available = caps?.has('GET /api/v1/scoring-settings');
  return { ...useGet<ScoringSettings>(available ? '/scoring-settings' : null), available };
}

function ScorecardWeights() {
  const { t, role, locale } = useSession();
  const settings = useScoringSettings();
  const kras = useKras();
  const kpis = kpiById(useKpis().data);
  const [ownerRole, setOwnerRole] = useState<OwnerRole>('manager');
  const [template, setTemplate] = useState<ScorecardTemplate | null>(null);
  const save = useSave();
  const admin = role === 'admin';
  useEffect(() => {
    if (settings.data) setTemplate(structuredClone(settings.data.templates[ownerRole]));
  }, [settings.data, ownerRole]);
  if (settings.available === false) return <NotAvailable what={t('settings.scorecards')} />;
  const setKra = (i: number, weight: number) =>
    template &&
    setTemplate({ ...template, kras: template.kras.map((k, j) => (j === i ? { ...k, weight } : k)) });
  const setKpi = (i: number, p: number, patch: Partial<ScorecardTemplate['kras'][number]['kpis'][number]>) =>
    template &&
    setTemplate({
      ...template,
      kras: template.kras.map((k, j) =>
        j === i ? { ...k, kpis: k.kpis.map((x, q) => (q === p ? { ...x, ...patch } : x)) } : k,
      ),
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!settings.data || !template) return;
    const templates = (['agent', 'team_lead', 'manager'] as const).map((r) =>
      r === ownerRole ? template : settings.data!.templates[r],
    );
    void save.run(async () => {
      await request('/scoring-settings', { method: 'PUT', body: { scorecardTemplates: templates } });
      invalidate('/scoring-settings');
      invalidate('/scorecards');
      settings.reload();
    });
  };
  const num = (v: string) => (v.trim() === '' ? 0 : Number(v.replace(',', '.')));
  return (
    <Card title={t('settings.scorecards')}>
      <Async state={settings} skeleton={6}>
        {(s) => (
          <form className="form" onSubmit={submit}>
            <div className="form-row">
              <Field label={t('settings.template')}>
                <select value={ownerRole} onChange={(e) => setOwnerRole(e.target.value as OwnerRole)}>
                  {(['manager', 'team_lead', 'agent'] as const).map((r) => (
                    <option key={r} value={r}>
                      {t(`role.${r}`)} (
                      {s.templateSource[r] === 'default' ? t('settings.default') : t('settings.custom')})
                    </option>
                  ))}
                </select>
              </Field>
              <p className="small muted">
                {t('settings.thresholds', { onTrack: s.thresholds.onTrack, atRisk: s.thresholds.atRisk })}
              </p>
            </div>
            {template?.kras.map((k, i) => (
              <fieldset key={k.kra} className="weights">
                <legend>
                  KRA {k.kra} · {kraName(locale, k.kra, kras.data?.find((x) => x.id === k.kra)?.name ?? '')}
                </legend>
                <Field label={t('scorecards.weight')}>
                  <input
                    type="number"
                    min={0}
                    step="any"
                    value={k.weight}
                    disabled={!admin}
                    onChange={(e) => setKra(i, num(e.target.value))}
                  />
                </Field>
                <ScrollRegion label={`KRA ${k.kra}`}>
                  <table className="data-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('kpi.kpi')}</th>
                        <th scope="col">{t('scorecards.weight')}</th>
                        <th scope="col">{t('scorecards.floor')}</th>
                        <th scope="col">{t('kpi.target')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {k.kpis.map((x, p) => {
                        const label = kpiName(locale, x.kpi, kpis.get(x.kpi)?.name ?? x.kpi);
                        return (
                          <tr key={x.kpi}>
                            <th scope="row">
                              {label} <span className="muted small">({kpis.get(x.kpi)?.unit ?? ''})</span>
                            </th>
                            <td>
                              <input
                                aria-label={`${label}: ${t('scorecards.weight')}`}
                                type="number"
                                step="any"
                                min={0}
                                value={x.weight}
                                disabled={!admin}
                                onChange={(e) => setKpi(i, p, { weight: num(e.target.value) })}
                              />
                            </td>
                            <td>
                              <input
                                aria-label={`${label}: ${t('scorecards.floor')}`}
                                type="number"
                                step="any"
                                value={x.floor}
                                disabled={!admin}
                                onChange={(e) => setKpi(i, p, { floor: num(e.target.value) })}
                              />
                            </td>
                            <td>
                              <input
                                aria-label={`${label}: ${t('kpi.target')}`}
                                type="number"
                                step="any"
                                value={x.target}
                                disabled={!admin}
                                onChange={(e) => setKpi(i, p, { target: num(e.target.value) })}
                              />
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </ScrollRegion>
              </fieldset>
            ))}
            {admin && (
              <div className="form-buttons">
                <button type="submit" className="button-primary" disabled={save.busy}>
                  {t('common.save')}
                </button>
                <SaveStatus state={save} />
              </div>
            )}
          </form>
        )}
      </Async>
    </Card>
  );
}

function Counterweights() {
  const { t, role, locale } = useSession();
  const settings = useScoringSettings();
  const kpiList = useKpis().data ?? [];
  const kpis = kpiById(kpiList);
  const [pairs, setPairs] = useState<Array<{ kpi: string; counterweights: string[]; note?: string }>>([]);
  const save = useSave();
  const admin = role === 'admin';
  useEffect(() => {
    if (settings.data) setPairs(structuredClone(settings.data.counterweights));
  }, [settings.data]);
  if (settings.available === false) return <NotAvailable what={t('settings.counterweights')} />;
  const name = (id: string) => kpiName(locale, id, kpis.get(id)?.name ?? id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      await request('/scoring-settings', {
        method: 'PUT',
        body: {
          counterweights: pairs.map((p) => ({
            kpi: p.kpi,
            counterweights: p.counterweights,
            ...(p.note ? { note: p.note } : {}),
          })),
        },
      });
      invalidate('/scoring-settings');
      invalidate('/counterweights');
      settings.reload();
    });
  };
  const options = (selected: string) => (
    <>
      {kpiList.map((k) => (
        <option key={k.id} value={k.id} disabled={k.id === selected}>
          {name(k.id)}
        </option>
      ))}
    </>
  );
  return (
    <Card title={t('settings.counterweights')}>
      <p className="small muted">{t('settings.counterweightsHint')}</p>
      <Async state={settings} skeleton={5}>
        {() => (
          <form className="form" onSubmit={submit}>
            {pairs.length === 0 && <Empty />}
            {pairs.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the same KPI may be listed twice while editing
              <fieldset key={`${p.kpi}-${i}`} className="pair">
                <legend>{name(p.kpi)}</legend>
                <Field label={t('kpi.kpi')}>
                  <select
                    value={p.kpi}
                    disabled={!admin}
                    onChange={(e) =>
                      setPairs(pairs.map((x, j) => (j === i ? { ...x, kpi: e.target.value } : x)))
                    }
                  >
                    {options('')}
                  </select>
                </Field>
                <div className="chips">
                  {p.counterweights.map((c) => (
                    <span key={c} className="chip">
                      ⇄ {name(c)}
                      {admin && (
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={t('settings.removePair', { kpi: name(p.kpi), other: name(c) })}
                          onClick={() =>
                            setPairs(
                              pairs.map((x, j) =>
                                j === i
                                  ? { ...x, counterweights: x.counterweights.filter((y) => y !== c) }
                                  : x,
                              ),
                            )
                          }
                        >
                          ✕
                        </button>
                      )}
                    </span>
                  ))}
                </div>
                {admin && (
                  <Field label={t('settings.addCounterweight')}>
                    <select
                      value=""
                      onChange={(e) =>
                        e.target.value &&
                        setPairs(
                          pairs.map((x, j) =>
                            j === i && !x.counterweights.includes(e.target.value)
                              ? { ...x, counterweights: [...x.counterweights, e.target.value] }
                              : x,
                          ),
                        )
                      }
                    >
                      <option value="">{t('common.choose')}</option>
                      {options(p.kpi)}
                    </select>
                  </Field>
                )}
                {p.note && <p className="small muted">{p.note}</p>}
                {admin && (
                  <button
                    type="button"
                    className="link-button danger"
                    onClick={() => setPairs(pairs.filter((_, j) => j !== i))}
                  >
                    {t('common.remove')}
                  </button>
                )}
              </fieldset>
            ))}
            {admin && (
              <div className="form-buttons">
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => setPairs([...pairs, { kpi: 'aht', counterweights: [] }])}
                >
                  + {t('settings.addPair')}
                </button>
                <button type="submit" className="button-primary" disabled={save.busy}>
                  {t('common.save')}
                </button>
                <SaveStatus state={save} />
              </div>
            )}
          </form>
        )}
      </Async>
    </Card>
  );
}
