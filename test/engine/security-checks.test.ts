import { describe, expect, it } from 'vitest';
import { AUTOMATIC_CONTROLS, evaluateSecurityChecks } from '../../src/engine/security-checks.js';

const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const user = (over: Partial<Parameters<typeof evaluateSecurityChecks>[0]['users'][number]> = {}) => ({
  role: 'manager',
  must_change_password: false,
  updated_at: daysAgo(30),
  disabled_at: null,
  agent_id: null,
  team_ids: [],
  ...over,
});
const token = (over: Partial<Parameters<typeof evaluateSecurityChecks>[0]['tokens'][number]> = {}) => ({
  created_at: daysAgo(10),
  expires_at: daysAgo(-80),
  revoked_at: null,
  last_used_at: daysAgo(1),
  owner_disabled: false,
  ...over,
});
const byControl = (checks: ReturnType<typeof evaluateSecurityChecks>) =>
  Object.fromEntries(checks.map((c) => [c.control, c.passing]));

describe('automatic security checks', () => {
  it('pass on tidy accounts with a recent access review', () => {
    const checks = evaluateSecurityChecks({
      now: NOW,
      users: [user(), user({ role: 'agent', agent_id: 'a1' }), user({ role: 'team_lead', team_ids: ['t1'] })],
      tokens: [token(), token({ revoked_at: daysAgo(5), expires_at: null })],
      lastAccessReview: daysAgo(92),
    });
    expect(checks.every((c) => c.passing)).toBe(true);
    expect(checks).toHaveLength(6);
  });

  it('fail each control on its own offence, naming how many', () => {
    const checks = evaluateSecurityChecks({
      now: NOW,
      users: [
        user({ must_change_password: true, updated_at: daysAgo(8) }),
        user({ must_change_password: true, updated_at: daysAgo(6) }),
        user({ role: 'agent' }),
        user({ role: 'team_lead', disabled_at: daysAgo(1) }),
      ],
      tokens: [
        token({ expires_at: null }),
        token({ expires_at: daysAgo(-400) }),
        token({ created_at: daysAgo(200), last_used_at: daysAgo(91) }),
        token({ owner_disabled: true }),
        // Expired tokens are harmless: none of the checks counts them.
        token({ expires_at: daysAgo(1), owner_disabled: true, last_used_at: null, created_at: daysAgo(500) }),
      ],
      lastAccessReview: daysAgo(93),
    });
    expect(byControl(checks)).toEqual({
      [AUTOMATIC_CONTROLS.oneTimePasswords]: false,
      [AUTOMATIC_CONTROLS.tokensExpire]: false,
      [AUTOMATIC_CONTROLS.tokensUsed]: false,
      [AUTOMATIC_CONTROLS.disabledWithoutTokens]: false,
      [AUTOMATIC_CONTROLS.rolesScoped]: false,
      [AUTOMATIC_CONTROLS.accessReview]: false,
    });
    const notes = Object.fromEntries(checks.map((c) => [c.control, c.note]));
    expect(notes[AUTOMATIC_CONTROLS.oneTimePasswords]).toBe('1 account still on a one-time password');
    expect(notes[AUTOMATIC_CONTROLS.tokensExpire]).toBe('2 tokens without an expiry within a year');
    expect(notes[AUTOMATIC_CONTROLS.rolesScoped]).toBe('1 agent or team lead without a scope');
    expect(notes[AUTOMATIC_CONTROLS.accessReview]).toBe('last passing access review 93 days ago');
  });

  it('fails the access review when none was ever recorded', () => {
    const [review] = evaluateSecurityChecks({
      now: NOW,
      users: [],
      tokens: [],
      lastAccessReview: null,
    }).filter((c) => c.control === AUTOMATIC_CONTROLS.accessReview);
    expect(review).toEqual({
      control: AUTOMATIC_CONTROLS.accessReview,
      passing: false,
      note: 'no passing access review recorded',
    });
  });
});
