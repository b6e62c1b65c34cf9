import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/jobs/reports/build-report.js';
import { renderReport } from '../../src/jobs/reports/render-report.js';
import type { ReportData } from '../../src/reports/report-data.js';
import { pdfText } from '../../src/reports/report-pdf.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { resolveScope } from '../../src/storage/scopes.js';
import { freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';
import { decodePng, inkShare } from '../helpers/png.js';
import { popplerAvailable } from '../helpers/poppler.js';
import { loadReportFixture } from '../helpers/report-fixture.js';

/**
 * Issue 10, done when: the weekly PDF is rendered, its pages turned into PNG with pdftoppm are not
 * blank, and pdftotext finds the report's KPI names in it. Rendering does not depend on the engine
 * (the report's numbers are checked on both engines in scheduled-reports.test.ts), so this runs on DuckDB.
 */

const files = scratchDir();
afterAll(() => files.cleanup());

describe.skipIf(!popplerAvailable)('the weekly manager report as PDF', () => {
  let store: Store;
  let org: Organization;
  let data: ReportData;
  let pdf: Buffer;
  let rendered: Awaited<ReturnType<typeof renderReport>>;

  beforeAll(async () => {
    store = await freshStore('duckdb');
    org = await createOrganization(store.db, { slug: 'acme', name: 'Acme Support', timeZone: 'UTC' });
    await loadReportFixture(store, org, files);
    const scope = await resolveScope(store.db, org.id, 'desk', 'Support');
    data = await buildReport(store, org, { kind: 'weekly', scope, now: new Date('2026-03-16T08:00:00Z') });
    rendered = await renderReport(data, ['pdf', 'csv', 'xlsx']);
    pdf = rendered.pdf!;
    writeFileSync(files.path('weekly.pdf'), pdf);
  });
  afterAll(() => store?.close());

  it('covers the last whole week of the desk, with its KPIs and a previous week to compare', () => {
    expect(data.period).toEqual({ from: '2026-03-09', to: '2026-03-15' });
    expect(data.previous_period).toEqual({ from: '2026-03-02', to: '2026-03-08' });
    expect(data.scope).toMatchObject({ kind: 'desk', name: 'Support', label: 'desk Support' });
    const volume = data.trends.find((t) => t.kpi === 'ticket_volume')!;
    expect(volume.points.slice(-3).map((p) => p.value)).toEqual([56, 56, 56]);
    expect(data.kpis.find((k) => k.kpi === 'csat')).toMatchObject({ n: 28, significant: true });
    expect(data.kpis.length).toBeGreaterThan(10);
    expect(data.overall.current).not.toBeNull();
  });

  it('renders pages that pdftoppm turns into non-blank PNGs', () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    execFileSync('pdftoppm', ['-r', '50', '-png', files.path('weekly.pdf'), files.path('page')]);
    const pages = readdirSync(files.path('.'))
      .filter((f) => /^page-\d+\.png$/.test(f))
      .sort();
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) {
      const png = decodePng(readFileSync(files.path(page)));
      expect(png.width).toBeGreaterThan(300);
      // Every page has its footer; the first its header band and charts.
      expect(inkShare(png), page).toBeGreaterThan(0.005);
    }
    expect(inkShare(decodePng(readFileSync(files.path(pages[0]!))))).toBeGreaterThan(0.1);
  });

  it('contains every KPI name of the report, its title, scope and period (pdftotext)', () => {
    const text = execFileSync('pdftotext', ['-layout', files.path('weekly.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Weekly manager report');
    expect(text).toContain('desk Support - 2026-03-09 to 2026-03-15');
    for (const k of data.kpis) expect(text, k.name).toContain(pdfText(k.name));
    for (const kra of data.kras.filter((x) => data.kpis.some((k) => k.kra === x.kra))) {
      expect(text).toContain(`KRA ${kra.kra} ${kra.name}`);
    }
  });

  it('also makes the CSV and XLSX attachments and the charts as PNG', () => {
    const csv = rendered.csv!.split('\r\n');
    expect(csv[0]).toMatch(/^kra,kra_name,kpi,name,unit/);
    expect(csv.filter(Boolean)).toHaveLength(data.kpis.length + 1);
    expect(rendered.xlsx!.subarray(0, 2).toString()).toBe('PK');
    expect(rendered.charts.map((c) => c.id)).toEqual(['kra-scores', 'trends']);
    for (const c of rendered.charts) {
      const png = decodePng(c.png);
      expect(png.width).toBe(c.width * 2);
      expect(inkShare(png)).toBeGreaterThan(0.01);
    }
    expect(rendered.html).toContain('src="cid:kra-scores@deskscore"');
  });
});
