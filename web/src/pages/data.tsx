import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { fieldsOf, IMPORT_SHAPES, type ImportShape } from '../../../src/ingest/canonical';
import { get, request } from '../api/client';
import { invalidate, useGet } from '../api/hooks';
import type { ImportError, ImportHistoryRow, ImportJob } from '../api/types';
import { PageHeader } from '../components/layout';
import { type Column, CsvButton, DataTable } from '../components/table';
import { Async, Card, ErrorBox, Field, ScrollRegion, StatusBadge } from '../components/ui';
import { formatDateTime, formatInteger } from '../format';
import { useSession } from '../session';
import type { Status } from '../status';
import { type Preview, readPreview, readValue } from './preview';

type Source =
  | { kind: 'auto' }
  | { kind: 'column'; column: string }
  | { kind: 'const'; value: string }
  | { kind: 'none' };

const AUTO = '__auto__';
const NONE = '__none__';
const CONST = '__const__';

export function DataPage() {
  const { t, role } = useSession();
  if (role !== 'admin' && role !== 'manager') {
    return (
      <>
        <PageHeader title={t('data.title')} />
        <p className="notice">{t('error.forbidden')}</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('data.title')} subtitle={t('data.subtitle')} />
      <ImportForm />
      <History />
    </>
  );
}

function ImportForm() {
  const { t, locale, timeZone } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [shape, setShape] = useState<ImportShape | 'detect'>('detect');
  const [sources, setSources] = useState<Record<string, Source>>({});
  const [dateFormat, setDateFormat] = useState('');
  const [zone, setZone] = useState('');
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const onFile = async (f: File | null) => {
    setFile(f);
    setJob(null);
    setError(null);
    setSources({});
    setPreview(f ? await readPreview(f) : null);
  };

  const fields = shape === 'detect' ? fieldsOf('tickets') : fieldsOf(shape);
  const columns = preview?.columns ?? [];
  const sourceOf = (field: string): Source => {
    const s = sources[field];
    if (s) return s;
    return columns.includes(field) ? { kind: 'auto' } : { kind: 'none' };
  };
  const columnOf = (field: string): string | null => {
    const s = sourceOf(field);
    return s.kind === 'column' ? s.column : s.kind === 'auto' ? field : null;
  };

  const mapping = useMemo(() => {
    if (shape === 'detect') return null;
    const cols: Record<string, string | { const: string }> = {};
    for (const f of fieldsOf(shape)) {
      const s = sources[f.name];
      if (s?.kind === 'column' && s.column !== f.name) cols[f.name] = s.column;
      if (s?.kind === 'const') cols[f.name] = { const: s.value };
    }
    return {
      shape,
      columns: cols,
      ...(dateFormat.trim() ? { dateFormat: dateFormat.trim() } : {}),
      ...(zone.trim() ? { timeZone: zone.trim() } : {}),
    };
  }, [shape, sources, dateFormat, zone]);

  const missingRequired = fields.filter(
    (f) => f.required && shape !== 'detect' && sourceOf(f.name).kind === 'none',
  );

  const poll = async (id: string) => {
    while (live.current) {
      const j = await get<ImportJob>(`/imports/jobs/${id}`);
      if (!live.current) return;
      setJob(j);
      if (j.status === 'succeeded' || j.status === 'failed') {
        invalidate('/imports');
        if (j.status === 'succeeded') invalidate('/kpis');
        return;
      }
      await new Promise((r) => setTimeout(r, 400));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      const form = new FormData();
      if (mapping) form.append('mapping', JSON.stringify(mapping));
      form.append('skip_invalid', skipInvalid ? 'true' : 'false');
      form.append('file', file, file.name);
      const started = await request<ImportJob>('/imports', { method: 'POST', body: form });
      setJob(started);
      await poll(started.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const setSource = (field: string, value: string) => {
    const next: Source =
      value === AUTO
        ? { kind: 'auto' }
        : value === NONE
          ? { kind: 'none' }
          : value === CONST
            ? { kind: 'const', value: '' }
            : { kind: 'column', column: value };
    setSources((s) => ({ ...s, [field]: next }));
  };

  const previewFields = fields.filter((f) => columnOf(f.name) !== null || sourceOf(f.name).kind === 'const');

  return (
    <Card title={t('data.import')}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label={t('data.file')} hint={t('data.fileHint')}>
          <input
            type="file"
            name="file"
            accept=".csv,.tsv,.txt,.json,.jsonl,.ndjson"
            onChange={(e) => void onFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        {file && preview && (
          <>
            <p className="small muted">
              {t('data.fileInfo', {
                name: file.name,
                size: formatInteger(Math.ceil(file.size / 1024), locale),
                columns: preview.columns.length,
              })}
              {preview.note && ` · ${preview.note}`}
            </p>
            <div className="form-row">
              <Field label={t('data.shape')}>
                <select
                  name="shape"
                  value={shape}
                  onChange={(e) => setShape(e.target.value as ImportShape | 'detect')}
                >
                  <option value="detect">{t('data.detect')}</option>
                  {IMPORT_SHAPES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </Field>
              {shape !== 'detect' && (
                <>
                  <Field label={t('data.dateFormat')} hint={t('data.dateFormatHint')}>
                    <input
                      value={dateFormat}
                      onChange={(e) => setDateFormat(e.target.value)}
                      placeholder="dd/MM/yyyy HH:mm"
                    />
                  </Field>
                  <Field label={t('data.timeZone')} hint={t('data.timeZoneHint', { zone: timeZone })}>
                    <input value={zone} onChange={(e) => setZone(e.target.value)} placeholder={timeZone} />
                  </Field>
                </>
              )}
            </div>
            {shape === 'detect' ? (
              <p className="small">{t('data.detectHint')}</p>
            ) : (
              <details open>
                <summary>{t('data.mapping')}</summary>
                <div className="table-wrap">
                  <table className="data-table mapping-table">
                    <caption className="visually-hidden">{t('data.mapping')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('data.field')}</th>
                        <th scope="col">{t('data.source')}</th>
                        <th scope="col">{t('data.meaning')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {fields.map((f) => {
                        const s = sourceOf(f.name);
                        const selectValue =
                          s.kind === 'auto'
                            ? AUTO
                            : s.kind === 'none'
                              ? NONE
                              : s.kind === 'const'
                                ? CONST
                                : s.column;
                        return (
                          <tr key={f.name}>
                            <th scope="row">
                              <code>{f.name}</code>
                              {f.required && (
                                <span className="required" title={t('data.required')}>
                                  {' '}
                                  * <span className="visually-hidden">{t('data.required')}</span>
                                </span>
                              )}
                            </th>
                            <td>
                              <select
                                aria-label={t('data.sourceOf', { field: f.name })}
                                value={selectValue}
                                onChange={(e) => setSource(f.name, e.target.value)}
                              >
                                {columns.includes(f.name) && (
                                  <option value={AUTO}>{t('data.sameName', { column: f.name })}</option>
                                )}
                                <option value={NONE}>{t('data.notMapped')}</option>
                                {columns
                                  .filter((c) => c !== f.name)
                                  .map((c) => (
                                    <option key={c} value={c}>
                                      {c}
                                    </option>
                                  ))}
                                <option value={CONST}>{t('data.constant')}</option>
                              </select>
                              {s.kind === 'const' && (
                                <input
                                  aria-label={t('data.constantOf', { field: f.name })}
                                  value={s.value}
                                  onChange={(e) =>
                                    setSources((x) => ({
                                      ...x,
                                      [f.name]: { kind: 'const', value: e.target.value },
                                    }))
                                  }
                                />
                              )}
                            </td>
                            <td className="small muted">{f.description}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
                {missingRequired.length > 0 && (
                  <p className="field-error" role="alert">
                    {t('data.missingRequired', { fields: missingRequired.map((f) => f.name).join(', ') })}
                  </p>
                )}
              </details>
            )}
            <h3>{t('data.preview')}</h3>
            <p className="small muted">{t('data.previewHint')}</p>
            <ScrollRegion label={t('data.preview')}>
              <table className="data-table preview-table">
                <caption className="visually-hidden">{t('data.preview')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('data.row')}</th>
                    {previewFields.map((f) => (
                      <th key={f.name} scope="col">
                        {f.name}
                        {columnOf(f.name) && columnOf(f.name) !== f.name && (
                          <span className="muted small"> ← {columnOf(f.name)}</span>
                        )}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no identity
                    <tr key={i}>
                      <td>{i + 2}</td>
                      {previewFields.map((f) => {
                        const s = sourceOf(f.name);
                        const col = columnOf(f.name);
                        const raw = s.kind === 'const' ? s.value : col ? (r[col] ?? '') : '';
                        const read = readValue(raw, f.kind, !!dateFormat.trim(), zone.trim() || timeZone);
                        return (
                          <td key={f.name} className={read.ok ? '' : 'cell-warn'}>
                            <span className="raw">{raw || '–'}</span>
                            {read.text !== raw && <span className="parsed"> → {read.text}</span>}
                            {!read.ok && <span className="visually-hidden"> ({t('data.check')})</span>}
                            {!read.ok && <span aria-hidden="true"> ⚠</span>}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          </>
        )}
        <label className="check">
          <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
          {t('data.skipInvalid')}
        </label>
        <div className="form-buttons">
          <button
            type="submit"
            className="button-primary"
            disabled={!file || busy || missingRequired.length > 0}
          >
            {busy ? t('data.importing') : t('data.run')}
          </button>
        </div>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {job && <JobView job={job} />}
    </Card>
  );
}

function JobView({ job }: { job: ImportJob }) {
  const { t, locale } = useSession();
  const p = job.progress;
  const pct = p && p.totalBytes > 0 ? Math.min(100, Math.round((p.bytesRead / p.totalBytes) * 100)) : null;
  const done = job.status === 'succeeded' || job.status === 'failed';
  const s = job.summary;
  const errors = s?.errors ?? [];
  const errorColumns: Column<ImportError>[] = [
    { key: 'file', header: t('data.errFile'), value: (e) => e.file },
    { key: 'row', header: t('data.row'), align: 'right', value: (e) => e.row },
    { key: 'field', header: t('data.field'), value: (e) => e.field },
    { key: 'reason', header: t('data.reason'), value: (e) => e.reason },
  ];
  return (
    <section className="job" aria-live="polite" data-status={job.status}>
      <h3>
        {t('data.job', { name: job.file_name })}{' '}
        <StatusBadge status={job.status as Status} label={t(`job.${job.status}`)} />
      </h3>
      {!done && (
        <div className="progress">
          <div
            className={`progress-track${pct === null ? ' indeterminate' : ''}`}
            role="progressbar"
            aria-label={t('data.progress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct ?? undefined}
            aria-valuetext={p ? t(`data.phase.${p.phase}`) : t('job.queued')}
          >
            <div className="progress-fill" style={{ width: `${pct ?? 30}%` }} />
          </div>
          <span className="progress-text">
            {p
              ? `${t(`data.phase.${p.phase}`)} · ${formatInteger(p.rowsRead, locale)} ${t('data.rows')}`
              : t('job.queued')}
          </span>
        </div>
      )}
      {job.error && (
        <p className="field-error" role="alert">
          {job.error}
        </p>
      )}
      {s && (
        <dl className="facts-grid">
          <dt>{t('data.rowsRead')}</dt>
          <dd>{formatInteger(s.rowsRead ?? 0, locale)}</dd>
          <dt>{t('data.rowsStored')}</dt>
          <dd>{formatInteger(s.rowsStored ?? 0, locale)}</dd>
          <dt>{t('data.rowsSkipped')}</dt>
          <dd>{formatInteger(s.rowsSkipped ?? 0, locale)}</dd>
          {s.tickets && (
            <>
              <dt>{t('data.tickets')}</dt>
              <dd>
                {t('data.createdUpdated', {
                  created: formatInteger(s.tickets.created, locale),
                  updated: formatInteger(s.tickets.updated, locale),
                })}
              </dd>
            </>
          )}
          {s.events && (
            <>
              <dt>{t('data.events')}</dt>
              <dd>
                {t('data.createdUpdated', {
                  created: formatInteger(s.events.created, locale),
                  updated: formatInteger(s.events.updated, locale),
                })}
              </dd>
            </>
          )}
          <dt>{t('data.errors')}</dt>
          <dd>{formatInteger(s.errorCount ?? 0, locale)}</dd>
        </dl>
      )}
      {job.status === 'failed' && errors.length > 0 && <p className="small">{t('data.nothingStored')}</p>}
      {errors.length > 0 && (
        <div className="row-errors">
          <div className="card-head">
            <h4>{t('data.rowErrors', { n: formatInteger(s?.errorCount ?? errors.length, locale) })}</h4>
            <CsvButton name={`import-errors-${job.id}`} columns={errorColumns} rows={errors} />
          </div>
          <DataTable
            caption={t('data.rowErrors', { n: errors.length })}
            columns={errorColumns}
            rows={errors}
            rowKey={(e, i) => `${e.row}-${e.field}-${i}`}
          />
        </div>
      )}
    </section>
  );
}

function History() {
  const { t, locale, timeZone } = useSession();
  const state = useGet<ImportHistoryRow[]>('/imports', { limit: 50 });
  const columns: Column<ImportHistoryRow>[] = [
    { key: 'id', header: '#', align: 'right', value: (r) => r.id },
    { key: 'file', header: t('data.file'), value: (r) => r.file_name },
    { key: 'shape', header: t('data.shape'), value: (r) => r.shape },
    {
      key: 'status',
      header: t('kpi.status'),
      value: (r) => r.status,
      render: (r) => (
        <StatusBadge
          status={r.status === 'succeeded' ? 'succeeded' : r.status === 'failed' ? 'failed' : 'running'}
          label={t(`job.${r.status === 'succeeded' || r.status === 'failed' ? r.status : 'running'}`)}
        />
      ),
    },
    {
      key: 'started',
      header: t('data.started'),
      value: (r) => r.started_at,
      render: (r) => formatDateTime(r.started_at, locale, timeZone),
    },
    {
      key: 'read',
      header: t('data.rowsRead'),
      align: 'right',
      value: (r) => r.rows_read,
      render: (r) => formatInteger(r.rows_read, locale),
    },
    {
      key: 'skipped',
      header: t('data.rowsSkipped'),
      align: 'right',
      value: (r) => r.rows_skipped,
      render: (r) => formatInteger(r.rows_skipped, locale),
    },
    {
      key: 'created',
      header: t('data.created'),
      align: 'right',
      value: (r) => r.tickets_created + r.events_created + (r.records_created ?? 0),
      render: (r) => formatInteger(r.tickets_created + r.events_created + (r.records_created ?? 0), locale),
    },
    {
      key: 'errors',
      header: t('data.errors'),
      align: 'right',
      value: (r) => r.error_count,
      render: (r) => formatInteger(r.error_count, locale),
    },
  ];
  return (
    <Card
      title={t('data.history')}
      actions={state.data && <CsvButton name="imports" columns={columns} rows={state.data} />}
    >
      <Async state={state} skeleton={4} isEmpty={(rows) => rows.length === 0} empty={t('data.noHistory')}>
        {(rows) => (
          <DataTable
            caption={t('data.history')}
            columns={columns}
            rows={rows}
            rowKey={(r) => String(r.id)}
            maxRows={20}
          />
        )}
      </Async>
    </Card>
  );
}
