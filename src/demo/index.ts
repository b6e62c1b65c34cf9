export { type DemoCounts, type DemoOptions, type DemoPlan, generateDemo, planDemo } from './generate.js';
export { DEMO_TIME_ZONE, GAMING_TEAM } from './organisation.js';
export { type Cell, csvLine, DEMO_FILE_ORDER, DEMO_FILES, type DemoFile, type DemoSink } from './tables.js';
