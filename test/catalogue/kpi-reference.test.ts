import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { kpiReferenceMarkdown } from '../../src/catalogue/kpi-reference.js';
import { KpiDefinitionError, loadDefinitions } from '../../src/engine/kpi-definition.js';

describe('KPI catalogue', () => {
  it('docs/kpis.md is generated from the catalogue and up to date (npm run docs:kpis)', () => {
    const committed = readFileSync(new URL('../../docs/kpis.md', import.meta.url), 'utf8');
    expect(committed).toBe(kpiReferenceMarkdown(CATALOGUE.values()));
  });

  it('rejects invalid definitions with the path of each problem', () => {
    const valid = CATALOGUE.get('fcr_rate')!;
    expect(() =>
      loadDefinitions([
        { ...valid, id: 'Bad Id' },
        { ...valid, id: 'x', measure: { ...valid.measure, scale: -1 } },
        { ...valid, id: 'y', measure: { ...valid.measure, defaultVariant: 'nope' } },
        valid,
        valid,
      ]),
    ).toThrow(KpiDefinitionError);
    try {
      loadDefinitions([{ ...valid, id: 'x', measure: { ...valid.measure, scale: -1 } }, valid, valid]);
    } catch (error) {
      expect((error as Error).message).toContain('x.measure.scale');
      expect((error as Error).message).toContain('fcr_rate: duplicate KPI id');
    }
  });
});
