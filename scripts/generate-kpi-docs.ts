import { writeFileSync } from 'node:fs';
import { CATALOGUE } from '../src/catalogue/index.js';
import { kpiReferenceMarkdown } from '../src/catalogue/kpi-reference.js';

writeFileSync(new URL('../docs/kpis.md', import.meta.url), kpiReferenceMarkdown(CATALOGUE.values()));
