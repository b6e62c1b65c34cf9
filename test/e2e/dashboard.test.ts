import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { scratchDir } from '../helpers/files.js';
import { type StartedServer, startServerProcess, stopServerProcess } from '../helpers/server-process.js';

/**
 * The dashboard in a real Chromium (issue 8): a `deskscore start` process on a small demo, the pages a
 * manager and an agent use, Spanish, an import with a bad row. Screenshots of each page go to
 * test-output/e2e/; Home's and a KPI page's browser timings are printed (measured, not asserted).
 */

const OUT = new URL('../../test-output/e2e/', import.meta.url).pathname;
const PASSWORD = 'deskscore-demo';

interface Timing {
  page: string;
  domInteractive: number;
  domContentLoaded: number;
  load: number;
  /** The page's own mark: its main data is on screen. */
  ready: number | null;
}

describe.skipIf(!browserAvailable)('dashboard in Chromium', () => {
  let server: StartedServer;
  let scratch: ReturnType<typeof scratchDir> | undefined;
  let browser: Browser;
  let manager: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const timings: Timing[] = [];

  const watch = (p: Page, who: string) => {
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`${who} console ${m.type()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
    p.on('response', (r) => {
      if (r.status() >= 400 && !r.url().includes('/auth/login'))
        problems.push(`${who} HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
    });
  };
  const shot = (p: Page, name: string) => p.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  const login = async (p: Page, email: string) => {
    await p.goto(`${server.url}/`);
    await p.fill('input[name=email]', email);
    await p.fill('input[name=password]', PASSWORD);
    await p.click('button[type=submit]');
    await p.waitForSelector('#page-title');
  };
  /** Loads a path afresh and reads the navigation timing and the page's "ready" mark. */
  const measure = async (p: Page, path: string, mark: string): Promise<Timing> => {
    // Steady state: no earlier page's requests still running on the server.
    await p.waitForLoadState('networkidle');
    await p.goto(`${server.url}${path}`);
    await p.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 30_000 });
    // Evaluated in the page (a string: this project's types are Node's, not the DOM's).
    const t = (await p.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const ready = performance.getEntriesByName(${JSON.stringify(mark)})[0];
      return {
        domInteractive: Math.round(nav.domInteractive),
        domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
        load: Math.round(nav.loadEventEnd),
        ready: ready ? Math.round(ready.startTime) : null,
      };
    })()`)) as Omit<Timing, 'page'>;
    const timing = { page: path, ...t };
    timings.push(timing);
    return timing;
  };

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    await buildWeb({ quiet: true });
    scratch = scratchDir();
    const db = scratch.path('e2e.duckdb');
    server = await startServerProcess(db, '--demo-scale', '0.05', '--demo-months', '3');
    browser = await launchChromium();
    manager = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await manager.newPage();
    watch(page, 'manager');
  }, 240_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      console.log(`server stderr (last 4000 chars):\n${server?.stderr().slice(-4000)}`);
    if (context.task.result?.state === 'fail' && page && !page.isClosed()) {
      await shot(page, `failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(
        () => {},
      );
    }
  });

  afterAll(async () => {
    if (timings.length) {
      console.log(
        `\ndashboard timings (small demo, ms since navigation start):\n${timings
          .map(
            (t) =>
              `  ${t.page}: DOM interactive ${t.domInteractive}, DOMContentLoaded ${t.domContentLoaded}, load ${t.load}, data on screen ${t.ready}`,
          )
          .join('\n')}\n`,
      );
    }
    await browser?.close();
    if (server) await stopServerProcess(server.child);
    scratch?.cleanup();
  }, 60_000);

  it('logs the demo manager in and shows Home: indices, ten KRA tiles, goals, counterweights', async () => {
    await login(page, 'manager@demo.example');
    await page.waitForSelector('.kra-tiles li .score-number');
    expect(await page.locator('.kra-tiles > li').count()).toBe(10);
    await expect.poll(() => page.locator('.index-card .big-number').count()).toBe(3);
    await page.getByRole('heading', { name: 'Goals at risk' }).waitFor();
    await page.getByRole('heading', { name: 'Counterweight warnings' }).waitFor();
    // Status is written, not only coloured.
    expect(await page.locator('.kra-tiles .badge').first().textContent()).toMatch(
      /On track|At risk|Off track|No data/,
    );
    const timing = await measure(page, '/', 'deskscore:home-ready');
    expect(timing.ready).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    await shot(page, '01-home');
  });

  it('opens a KRA with its KPIs, targets, intervals and changes', async () => {
    await page.locator('.kra-link', { hasText: 'Customer satisfaction' }).click();
    await expect.poll(() => page.locator('#page-title').textContent()).toContain('KRA 1');
    await page.waitForSelector('.kpi-line-value strong');
    expect(await page.locator('.kpi-lines li').count()).toBeGreaterThanOrEqual(4);
    await shot(page, '02-kra');
  });

  it('opens a KPI: definition, trend with band and target, breakdown, distribution', async () => {
    await page.locator('.kpi-line-name a', { hasText: 'Average response time' }).click();
    await expect.poll(() => page.locator('#page-title').textContent()).toBe('Average response time');
    await page.getByRole('heading', { name: 'Definition' }).waitFor();
    await page.waitForSelector('.echart svg', { state: 'attached' });
    // The distribution is measured once it scrolls into view.
    await page.getByRole('heading', { name: 'Distribution' }).scrollIntoViewIfNeeded();
    await page.getByText(/median .* · 90th percentile/).waitFor();
    const timing = await measure(page, '/kpis/avg_response_time', 'deskscore:kpi-ready');
    expect(timing.ready).toBeGreaterThan(0);
    await page.waitForSelector('.echart svg path', { state: 'attached' });
    await page.waitForLoadState('networkidle');
    await shot(page, '03-kpi');
  });

  it('drills from a bucket into the tickets behind it (table and chart click)', async () => {
    const trend = page.locator('.card', { has: page.getByRole('heading', { name: 'Trend' }) });
    await trend.getByText('Table', { exact: true }).click();
    await trend.getByRole('button', { name: 'Show rows' }).last().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator('tbody tr').first().waitFor();
    expect(await dialog.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await dialog.locator('tbody tr td').first().textContent()).toMatch(/^T\d+/);
    await shot(page, '04-drilldown');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // A click on a bar of the breakdown opens that group's rows.
    const breakdown = page.locator('.card', { has: page.getByRole('heading', { name: 'Breakdown' }) });
    // The first bar (drawn in the chart's primary colour) once the chart has drawn it.
    const bar = breakdown.locator('.echart svg path[fill="#0b5cad"]').first();
    await bar.waitFor({ state: 'attached' });
    await page.waitForTimeout(400); // the bars grow in for 300 ms
    await bar.scrollIntoViewIfNeeded();
    const box = (await bar.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await dialog.waitFor();
    await dialog.locator('tbody tr').first().waitFor();
    expect(await dialog.locator('.drill-totals').textContent()).toMatch(/Desk: /);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('creates a goal with the SMART check shown live, then shows it with its check', async () => {
    await page.goto(`${server.url}/goals/new`);
    await page.selectOption('select[name=kpi]', 'fcr_rate');
    await page.selectOption('select[name=target_kind]', 'points_change');
    await page.fill('input[name=target]', '2');
    const letters = page.locator('.smart-panel .smart-letter');
    await expect.poll(() => letters.count(), { timeout: 20_000 }).toBe(5);
    const verdicts = await letters.evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
    expect(verdicts.every((v) => v === 'pass' || v === 'warn' || v === 'fail')).toBe(true);
    await shot(page, '05-goal-form');
    const save = page.getByRole('button', { name: 'Save goal' });
    if (await save.isDisabled()) await page.getByRole('button', { name: 'Save anyway' }).click();
    else await save.click();
    await page.waitForURL(/\/goals\/\d+$/);
    await page.getByRole('heading', { name: 'SMART check' }).waitFor();
    expect(await page.locator('.smart-letter').count()).toBe(5);
    await page.getByRole('heading', { name: 'Action plan' }).waitFor();
    await shot(page, '06-goal');
    // Edit it: the same form, prefilled, with the SMART check live; saved with PATCH.
    const detailUrl = page.url();
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.waitForURL(/\/goals\/\d+\/edit$/);
    expect(await page.inputValue('input[name=target]')).toBe('2');
    expect(await page.locator('select[name=kpi]').isDisabled()).toBe(true);
    await expect.poll(() => letters.count(), { timeout: 20_000 }).toBe(5);
    const rechecked = page.waitForResponse(
      (r) => /\/goals\/\d+\/check$/.test(r.url()) && r.request().postData()?.includes('"value":3') === true,
    );
    await page.fill('input[name=target]', '3');
    await rechecked;
    await page.locator('.smart-panel .smart[aria-busy=false]').waitFor({ timeout: 20_000 });
    await shot(page, '06b-goal-edit');
    const saveChanges = page.getByRole('button', { name: 'Save changes' });
    if (await saveChanges.isDisabled()) await page.getByRole('button', { name: 'Save anyway' }).click();
    else await saveChanges.click();
    await page.waitForURL(detailUrl);
    await expect
      .poll(() => page.locator('.facts-grid').textContent(), { timeout: 20_000 })
      .toContain('a change in points 3)');
    await page.goto(`${server.url}/goals`);
    await page.locator('.data-table tbody tr').first().waitFor();
    await shot(page, '07-goals');
  });

  it('shows scorecards (desks side by side), the SLA page and settings', async () => {
    await page.goto(`${server.url}/scorecards`);
    await page.waitForSelector('.scorecard .big-number');
    await page.getByRole('tab', { name: 'Desks side by side' }).click();
    await page.getByRole('heading', { name: 'Ranking' }).waitFor();
    await page.locator('.data-table tbody tr').first().waitFor();
    await shot(page, '08-scorecards-desks');
    await page.goto(`${server.url}/sla`);
    await page.getByRole('heading', { name: 'Compliance by policy and target' }).waitFor();
    await page.locator('.data-table tbody tr').first().waitFor();
    await shot(page, '09-sla');
    await page.goto(`${server.url}/settings`);
    await page.getByRole('tab', { name: 'Users and roles' }).click();
    await page.locator('.data-table tbody tr').first().waitFor();
    await shot(page, '10-settings');
  });

  it('imports a CSV with a bad row and shows the row-level error', async () => {
    await page.goto(`${server.url}/data`);
    await page.setInputFiles('input[type=file]', {
      name: 'tickets-bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'id,created_at,status,priority\nE2E-1,2026-10-01T09:00:00Z,open,high\nE2E-2,2026-10-01T10:00:00Z,maybe,normal\n',
      ),
    });
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    await page.getByRole('button', { name: 'Run the import' }).click();
    const job = page.locator('.job[data-status=failed]');
    await job.waitFor({ timeout: 30_000 });
    const errors = job.locator('.row-errors tbody tr');
    await errors.first().waitFor();
    const text = (await errors.first().textContent()) ?? '';
    expect(text).toContain('status');
    expect(text).toContain('maybe');
    expect(await errors.first().locator('td').nth(1).textContent()).toBe('3');
    await page.getByRole('heading', { name: 'Import history' }).waitFor();
    await shot(page, '11-import-error');
  });

  it('maps the columns of another export, previews the parsed values and imports it', async () => {
    await page.goto(`${server.url}/data`);
    await page.setInputFiles('input[type=file]', {
      name: 'other-helpdesk.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Ticket,Opened,State\nX-1,2026-10-02 09:00,Open\nX-2,2026-10-02 10:30,Solved\n'),
    });
    await page.selectOption('select[name=shape]', 'tickets');
    await page.getByLabel('Source of id').selectOption('Ticket');
    await page.getByLabel('Source of created_at').selectOption('Opened');
    await page.getByLabel('Source of status').selectOption('State');
    // The preview shows the source value and how it reads.
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.textContent()).toContain('Open → open');
    await shot(page, '12-import-mapping');
    await page.getByRole('button', { name: 'Run the import' }).click();
    const job = page.locator('.job[data-status=succeeded]');
    await job.waitFor({ timeout: 30_000 });
    expect(await job.textContent()).toContain('2 created');
  });

  it('is keyboard navigable and fits a 360 px phone', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('.kra-tiles li .score-number');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.className')).toBe(
      'skip-link',
    );
    const phone = await manager.newPage();
    watch(phone, 'phone');
    await phone.setViewportSize({ width: 360, height: 740 });
    await phone.goto(`${server.url}/`);
    await phone.waitForSelector('.kra-tiles li .score-number');
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await shot(phone, '13-home-phone');
    await phone.goto(`${server.url}/kpis/fcr_rate`);
    await phone.waitForSelector('.echart svg', { state: 'attached' });
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await shot(phone, '14-kpi-phone');
    await phone.close();
  });

  it('shows an agent only their own data', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const agent = await context.newPage();
    watch(agent, 'agent');
    await login(agent, 'agent@demo.example');
    const me = (await (await context.request.get(`${server.url}/api/v1/auth/me`)).json()) as {
      user: { agent_id: string };
    };
    const agents = (await (await context.request.get(`${server.url}/api/v1/agents`)).json()) as Array<{
      id: string;
      name: string;
    }>;
    const myName = agents.find((a) => a.id === me.user.agent_id)?.name;
    expect(myName).toBeTruthy();
    await agent.waitForSelector('.kra-tiles li .score-number');
    expect(await agent.locator('.page-header .subtitle').textContent()).toContain(myName);
    // No Data page for agents, and their scorecard is their own, with coaching.
    expect(await agent.getByRole('link', { name: 'Data' }).count()).toBe(0);
    await shot(agent, '15-agent-home');
    await agent.getByRole('link', { name: 'Scorecards' }).click();
    await agent.getByRole('heading', { name: 'My scorecard' }).waitFor();
    await agent.waitForSelector('.scorecard[data-scope=agent]');
    await agent.getByRole('heading', { name: 'Coaching suggestions' }).waitFor();
    await shot(agent, '16-agent-scorecard');
    // Every row behind a KPI is the agent's own.
    await agent.goto(`${agent.url().replace(/\/scorecards$/, '')}/kpis/fcr_rate`);
    const trend = agent.locator('.card', { has: agent.getByRole('heading', { name: 'Trend' }) });
    await trend.getByText('Table', { exact: true }).click();
    await trend.getByRole('button', { name: 'Show rows' }).last().click();
    const dialog = agent.getByRole('dialog');
    await dialog.locator('tbody tr').first().waitFor();
    const agentColumn = await dialog
      .locator('thead th')
      .evaluateAll((ths) => ths.findIndex((th) => th.textContent?.startsWith('Agent')));
    const names = await dialog
      .locator('tbody tr')
      .evaluateAll((rows, i) => rows.map((r) => r.querySelectorAll('td')[i]?.textContent ?? ''), agentColumn);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set([myName]));
    await shot(agent, '17-agent-drilldown');
    await context.close();
  });

  it('switches to Spanish: words, numbers and dates follow', async () => {
    await page.goto(`${server.url}/kras/1`);
    await page.waitForSelector('.kpi-line-value strong');
    // Logged in, the switch is saved on the account too.
    const saved = (locale: string) =>
      page.waitForResponse(
        (r) =>
          r.url().endsWith('/api/v1/auth/me') &&
          r.request().method() === 'PATCH' &&
          r.request().postData()?.includes(locale) === true,
      );
    const savedEs = saved('"es"');
    await page.getByLabel('Language').selectOption('es');
    expect((await savedEs).status()).toBe(200);
    await expect
      .poll(() => page.getByRole('navigation').getByRole('link', { name: 'Inicio' }).count())
      .toBe(1);
    expect(await page.locator('#page-title').textContent()).toContain('Satisfacción del cliente');
    // Spanish decimals use a comma.
    const values = await page.locator('.kpi-line-value strong').allTextContents();
    expect(values.some((v) => /\d,\d/.test(v))).toBe(true);
    await shot(page, '18-kra-es');
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Clientes felices' }).waitFor();
    await page.waitForSelector('.kra-tiles li .score-number');
    await shot(page, '19-home-es');
    const savedEn = saved('"en"');
    await page.getByLabel('Idioma').selectOption('en');
    expect(JSON.parse(await (await savedEn).text())).toMatchObject({ locale: 'en' });
  });

  it('had no console errors, page errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
