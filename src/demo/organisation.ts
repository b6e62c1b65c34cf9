import { DateTime } from 'luxon';
import type { BusinessSchedule } from '../derive/business-calendar.js';
import type { SlaPolicy } from '../derive/sla-policy.js';
import { Random } from './random.js';

/** The demo organisation's fixed shape: desks, teams, agents, business hours and SLA policies. */
export const DEMO_TIME_ZONE = 'Europe/Madrid';
export const DEMO_SCHEDULE_ID = 'madrid-office';

export interface DemoTeam {
  name: string;
  desk: string;
  /** Specialists take escalations of their desk. */
  specialist: boolean;
  size: number;
}

export const DEMO_DESKS = ['Retail', 'Business', 'Payments'] as const;
export type DemoDesk = (typeof DEMO_DESKS)[number];

export const DEMO_TEAMS: readonly DemoTeam[] = [
  { name: 'Retail Live', desk: 'Retail', specialist: false, size: 9 },
  { name: 'Retail Mail', desk: 'Retail', specialist: false, size: 8 },
  { name: 'Retail Specialists', desk: 'Retail', specialist: true, size: 6 },
  { name: 'Business Tier 1', desk: 'Business', specialist: false, size: 8 },
  { name: 'Onboarding', desk: 'Business', specialist: false, size: 7 },
  { name: 'Business Tier 2', desk: 'Business', specialist: true, size: 6 },
  { name: 'Payments Core', desk: 'Payments', specialist: false, size: 9 },
  { name: 'Disputes', desk: 'Payments', specialist: true, size: 7 },
];

/** The team whose handle time falls while its quality falls (the story the gaming detector should find). */
export const GAMING_TEAM = 'Business Tier 1';

const FIRST_NAMES = [
  'Lucía',
  'Hugo',
  'Martina',
  'Mateo',
  'Sofía',
  'Leo',
  'Julia',
  'Daniel',
  'Paula',
  'Alejandro',
  'Valeria',
  'Pablo',
  'Emma',
  'Álvaro',
  'Noa',
  'Adrián',
  'Carla',
  'Mario',
  'Sara',
  'Diego',
  'Alba',
  'Marcos',
  'Irene',
  'Javier',
  'Laura',
  'Bruno',
  'Marta',
  'Iker',
  'Elena',
  'Óscar',
  'Ana',
  'Tomás',
  'Claudia',
  'Sergio',
  'Nerea',
  'Rubén',
  'Lola',
  'Iván',
  'Vera',
  'Gonzalo',
];
const SURNAMES = [
  'García',
  'Martínez',
  'López',
  'Sánchez',
  'Pérez',
  'Gómez',
  'Martín',
  'Jiménez',
  'Ruiz',
  'Hernández',
  'Díaz',
  'Moreno',
  'Muñoz',
  'Álvarez',
  'Romero',
  'Alonso',
  'Gutiérrez',
  'Navarro',
  'Torres',
  'Domínguez',
  'Vázquez',
  'Ramos',
  'Gil',
  'Ramírez',
  'Serrano',
  'Blanco',
  'Molina',
  'Morales',
  'Suárez',
  'Ortega',
];

export interface DemoAgent {
  name: string;
  team: string;
  desk: string;
  /** 0.8–1.2: how fast and how well the agent works. */
  skill: number;
}

/** About 60 agents with unique, seeded names. */
export function demoAgents(seed: number): DemoAgent[] {
  const rng = Random.stream(seed, 'agents');
  const used = new Set<string>();
  const agents: DemoAgent[] = [];
  for (const team of DEMO_TEAMS) {
    for (let i = 0; i < team.size; i++) {
      let name = '';
      do name = `${rng.pick(FIRST_NAMES)} ${rng.pick(SURNAMES)}`;
      while (used.has(name));
      used.add(name);
      agents.push({ name, team: team.name, desk: team.desk, skill: rng.uniform(0.8, 1.2) });
    }
  }
  return agents;
}

/** Easter Sunday (anonymous Gregorian algorithm), for Good Friday. */
function easter(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.fromObject({ year, month, day }, { zone: 'utc' });
}

/** Spain's national holidays for the given years. */
export function spanishHolidays(years: readonly number[]): Array<{ day: string; name: string }> {
  const fixed: Array<[number, number, string]> = [
    [1, 1, 'Año Nuevo'],
    [1, 6, 'Epifanía del Señor'],
    [5, 1, 'Fiesta del Trabajo'],
    [8, 15, 'Asunción de la Virgen'],
    [10, 12, 'Fiesta Nacional de España'],
    [11, 1, 'Todos los Santos'],
    [12, 6, 'Día de la Constitución'],
    [12, 8, 'Inmaculada Concepción'],
    [12, 25, 'Natividad del Señor'],
  ];
  const out: Array<{ day: string; name: string }> = [];
  for (const year of years) {
    for (const [month, day, name] of fixed) {
      out.push({ day: DateTime.fromObject({ year, month, day }, { zone: 'utc' }).toISODate()!, name });
    }
    out.push({ day: easter(year).minus({ days: 2 }).toISODate()!, name: 'Viernes Santo' });
  }
  return out.sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : 0));
}

/** Mon–Fri 08:00–20:00 and Saturday 09:00–14:00, closed on national holidays. */
export function demoSchedule(years: readonly number[]) {
  const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));
  return {
    id: DEMO_SCHEDULE_ID,
    name: 'Madrid office hours',
    timeZone: DEMO_TIME_ZONE,
    isDefault: true,
    intervals: [...weekdays, { weekday: 6, start: '09:00', end: '14:00' }],
    holidays: spanishHolidays(years),
  };
}

/** The same schedule in the form the business clock takes. */
export function toBusinessSchedule(s: ReturnType<typeof demoSchedule>): BusinessSchedule {
  const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return {
    timeZone: s.timeZone,
    intervals: s.intervals.map((i) => ({
      weekday: i.weekday,
      startMinute: minute(i.start),
      endMinute: minute(i.end),
    })),
    holidays: s.holidays.map((h) => h.day),
  };
}

const HOUR = 3600;
type Targets = Record<'urgent' | 'high' | 'normal' | 'low', [number, number, number]>;

function targets(t: Targets): SlaPolicy['targets'] {
  return Object.entries(t).flatMap(([priority, [first, next, resolution]]) =>
    (
      [
        ['first_reply', first],
        ['next_reply', next],
        ['resolution', resolution],
      ] as const
    ).map(([metric, targetSeconds]) => ({
      priority: priority as keyof Targets,
      metric,
      targetSeconds,
      businessHours: true,
    })),
  );
}

/** Live channels answer in minutes; written channels in hours. Targets are business hours. */
export function demoSlaPolicies(): SlaPolicy[] {
  return [
    {
      id: 'live-channels',
      name: 'Chat and phone',
      position: 1,
      conditions: { all: [{ field: 'channel', operator: 'is', value: ['chat', 'phone'] }], any: [] },
      pausingStatuses: ['pending', 'on_hold'],
      scheduleId: DEMO_SCHEDULE_ID,
      targets: targets({
        urgent: [60, 120, 4 * HOUR],
        high: [120, 180, 8 * HOUR],
        normal: [180, 300, 24 * HOUR],
        low: [300, 600, 48 * HOUR],
      }),
    },
    {
      id: 'written-channels',
      name: 'Email and web',
      position: 2,
      conditions: { all: [], any: [] },
      pausingStatuses: ['pending', 'on_hold'],
      scheduleId: DEMO_SCHEDULE_ID,
      targets: targets({
        urgent: [1 * HOUR, 2 * HOUR, 8 * HOUR],
        high: [2 * HOUR, 4 * HOUR, 24 * HOUR],
        normal: [8 * HOUR, 8 * HOUR, 48 * HOUR],
        low: [16 * HOUR, 16 * HOUR, 96 * HOUR],
      }),
    },
  ];
}
