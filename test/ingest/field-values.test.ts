import { describe, expect, it } from 'vitest';
import { parseFieldValue, parseTimestamp } from '../../src/ingest/field-values.js';
import { type MappingError, parseMapping } from '../../src/ingest/mapping.js';

const ctx = { timeZone: 'Europe/Madrid' };

describe('field values', () => {
  it('reads seconds and counts as plain decimals only', () => {
    expect(parseFieldValue('seconds', '12.5', ctx)).toEqual({ ok: true, value: 12.5 });
    expect(parseFieldValue('seconds', '0x10', ctx).ok).toBe(false);
    expect(parseFieldValue('seconds', '1e3', ctx).ok).toBe(false);
    expect(parseFieldValue('count', '3', ctx)).toEqual({ ok: true, value: 3 });
    expect(parseFieldValue('count', '3.5', ctx).ok).toBe(false);
  });

  it('maps status, priority and actor synonyms and rejects the rest', () => {
    expect(parseFieldValue('status', 'Hold', ctx)).toEqual({ ok: true, value: 'on_hold' });
    expect(parseFieldValue('status', 'On-Hold', ctx)).toEqual({ ok: true, value: 'on_hold' });
    expect(parseFieldValue('status', 'resolved', ctx)).toEqual({ ok: true, value: 'solved' });
    expect(parseFieldValue('priority', 'Medium', ctx)).toEqual({ ok: true, value: 'normal' });
    expect(parseFieldValue('actor_type', 'end-user', ctx)).toEqual({ ok: true, value: 'customer' });
    expect(parseFieldValue('status', 'archived', ctx)).toMatchObject({ ok: false });
  });

  it('refuses control characters, which no engine should store', () => {
    expect(parseFieldValue('text', 'a\u0000b', ctx)).toEqual({
      ok: false,
      reason: 'contains a control character',
    });
    expect(parseFieldValue('tags', ['ok', 'x\u0001'], ctx).ok).toBe(false);
    expect(parseFieldValue('text', 'line one\nline two\tend', ctx).ok).toBe(true);
  });

  it('parses tags from text or lists, and refuses objects', () => {
    expect(parseFieldValue('tags', 'VIP, billing;vip  refund', ctx)).toEqual({
      ok: true,
      value: ['vip', 'billing', 'refund'],
    });
    expect(parseFieldValue('tags', ['a b', 'C'], ctx)).toEqual({ ok: true, value: ['a_b', 'c'] });
    expect(parseFieldValue('tags', [{ x: 1 }], ctx).ok).toBe(false);
  });

  it('reads naive timestamps in the given zone across a DST change, and offsets as written', () => {
    // Madrid moves from UTC+1 to UTC+2 at 02:00 on 29 March 2026.
    expect(parseTimestamp('2026-03-29T01:30:00', ctx)).toEqual({
      ok: true,
      value: new Date('2026-03-29T00:30:00Z'),
    });
    expect(parseTimestamp('2026-03-29 03:30:00', ctx)).toEqual({
      ok: true,
      value: new Date('2026-03-29T01:30:00Z'),
    });
    expect(parseTimestamp('2026-03-29T03:30:00-05:00', ctx)).toEqual({
      ok: true,
      value: new Date('2026-03-29T08:30:00Z'),
    });
    expect(parseTimestamp('1774000000', { ...ctx, dateFormat: 'epoch_s' })).toEqual({
      ok: true,
      value: new Date(1774000000 * 1000),
    });
    expect(
      parseTimestamp('Tue Oct 31 22:10:47 +0000 2017', {
        ...ctx,
        dateFormat: 'EEE MMM dd HH:mm:ss ZZZ yyyy',
      }),
    ).toEqual({
      ok: true,
      value: new Date('2017-10-31T22:10:47Z'),
    });
  });
});

describe('mapping validation', () => {
  it('names every problem with its path', () => {
    try {
      parseMapping({
        shape: 'events',
        columns: { nope: 'x' },
        dateFormats: { status: 'yyyy' },
        timeZone: 'Nowhere/City',
        extra: 1,
      });
      expect.unreachable();
    } catch (error) {
      const problems = (error as MappingError).problems.join('\n');
      expect(problems).toContain('columns.nope: "nope" is not a field of the events shape');
      expect(problems).toContain('dateFormats.status: "status" is not a date field');
      expect(problems).toContain('timeZone: not an IANA time zone');
      expect(problems).toMatch(/extra/);
    }
  });
});
