import { z } from 'zod';
import { ROLES, TOKEN_SCOPES } from '../storage/accounts.js';

/** Shapes shared by several routes; every body schema is strict so unknown fields are named in a 400. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })),
  }),
});

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  413: errorSchema,
  429: errorSchema,
} as const;

export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  agent_id: z.string().nullable(),
  team_ids: z.array(z.string()),
  locale: z.string().nullable(),
  must_change_password: z.boolean(),
  created_at: z.date(),
  updated_at: z.date(),
  disabled_at: z.date().nullable(),
});

export const organizationSchema = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  time_zone: z.string(),
});

export const tokenSchema = z.object({
  id: z.string(),
  user_id: z.number().int(),
  name: z.string(),
  scopes: z.array(z.enum(TOKEN_SCOPES)),
  created_at: z.date(),
  expires_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  last_used_at: z.date().nullable(),
});

export const idParam = z.strictObject({ id: z.coerce.number().int().positive() });

/** Free text a person types: bounded, no control characters (PostgreSQL cannot store NUL). */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const emailSchema = z.email().max(254);
