/**
 * The automatic checks behind data security compliance (KPI-DEFINITIONS.md, KRA 10: "automatic checks
 * of users, roles, tokens, access reviews"). Pure: the job feeds it the accounts and records results.
 */
export interface AccountFacts {
  role: string;
  must_change_password: boolean;
  /** When the password was last set (the account's last update is an upper bound). */
  updated_at: Date;
  disabled_at: Date | null;
  agent_id: string | null;
  team_ids: readonly string[];
}

export interface TokenFacts {
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  owner_disabled: boolean;
}

export interface SecurityCheckInput {
  now: Date;
  users: readonly AccountFacts[];
  tokens: readonly TokenFacts[];
  /** The latest passing recorded check of a control named like "access review", if any. */
  lastAccessReview: Date | null;
}

export interface SecurityCheck {
  control: string;
  passing: boolean;
  note: string;
}

const DAY = 86_400_000;
export const SECURITY_LIMITS = {
  oneTimePasswordDays: 7,
  tokenMaxDays: 366,
  tokenUnusedDays: 90,
  accessReviewDays: 92,
} as const;

/** Names of the automatic controls, as they appear in the security_controls table. */
export const AUTOMATIC_CONTROLS = {
  oneTimePasswords: 'auto: one-time passwords replaced within 7 days',
  tokensExpire: 'auto: API tokens expire within a year',
  tokensUsed: 'auto: no API token unused for 90 days',
  disabledWithoutTokens: 'auto: disabled users hold no active API token',
  rolesScoped: 'auto: agents linked to an agent, team leads to teams',
  accessReview: 'auto: access review within the last quarter',
} as const;

export function evaluateSecurityChecks(input: SecurityCheckInput): SecurityCheck[] {
  const now = input.now.getTime();
  const active = input.users.filter((u) => u.disabled_at === null);
  const liveTokens = input.tokens.filter(
    (t) => t.revoked_at === null && (t.expires_at === null || t.expires_at.getTime() > now),
  );
  const check = (
    control: string,
    offenders: number,
    one: string,
    many: string,
    ok: string,
  ): SecurityCheck => ({
    control,
    passing: offenders === 0,
    note: offenders === 0 ? ok : `${offenders} ${offenders === 1 ? one : many}`,
  });

  const stalePasswords = active.filter(
    (u) => u.must_change_password && now - u.updated_at.getTime() > SECURITY_LIMITS.oneTimePasswordDays * DAY,
  ).length;
  const longTokens = liveTokens.filter(
    (t) => t.expires_at === null || t.expires_at.getTime() - now > SECURITY_LIMITS.tokenMaxDays * DAY,
  ).length;
  const unused = liveTokens.filter(
    (t) => now - (t.last_used_at ?? t.created_at).getTime() > SECURITY_LIMITS.tokenUnusedDays * DAY,
  ).length;
  const orphaned = liveTokens.filter((t) => t.owner_disabled).length;
  const unscoped = active.filter(
    (u) => (u.role === 'agent' && u.agent_id === null) || (u.role === 'team_lead' && u.team_ids.length === 0),
  ).length;
  const reviewAge = input.lastAccessReview === null ? null : now - input.lastAccessReview.getTime();
  return [
    check(
      AUTOMATIC_CONTROLS.oneTimePasswords,
      stalePasswords,
      'account still on a one-time password',
      'accounts still on a one-time password',
      'none pending',
    ),
    check(
      AUTOMATIC_CONTROLS.tokensExpire,
      longTokens,
      'token without an expiry within a year',
      'tokens without an expiry within a year',
      'all expire',
    ),
    check(
      AUTOMATIC_CONTROLS.tokensUsed,
      unused,
      'token unused for 90 days',
      'tokens unused for 90 days',
      'all in use',
    ),
    check(
      AUTOMATIC_CONTROLS.disabledWithoutTokens,
      orphaned,
      'active token of a disabled user',
      'active tokens of disabled users',
      'none',
    ),
    check(
      AUTOMATIC_CONTROLS.rolesScoped,
      unscoped,
      'agent or team lead without a scope',
      'agents or team leads without a scope',
      'all scoped',
    ),
    {
      control: AUTOMATIC_CONTROLS.accessReview,
      passing: reviewAge !== null && reviewAge <= SECURITY_LIMITS.accessReviewDays * DAY,
      note:
        reviewAge === null
          ? 'no passing access review recorded'
          : `last passing access review ${Math.floor(reviewAge / DAY)} days ago`,
    },
  ];
}
