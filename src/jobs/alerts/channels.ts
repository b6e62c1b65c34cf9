import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Channel, ChannelConfig, SmtpSecurity, StoredSecret } from '../../storage/alerts-repository.js';
import { redact, revealSecret, type SecretView, secretInputSchema, viewSecret } from './secrets.js';

/**
 * Delivery channels: e-mail over SMTP (nodemailer) and webhooks (a generic JSON body, or a body Slack's
 * incoming webhooks accept), with an optional HMAC-SHA256 signature. A channel's SMTP server is its
 * own or, when it names none, the server's (DESKSCORE_SMTP_* environment variables).
 */

export const SMTP_SECURITY: readonly SmtpSecurity[] = ['tls', 'starttls', 'none'];

const hostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address');

const smtpSchema = z.strictObject({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).optional(),
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  user: z.string().min(1).max(320).optional(),
  password: secretInputSchema.optional(),
  /** Accept a certificate no authority signed (a test server); default true = verify. */
  tls_reject_unauthorized: z.boolean().default(true),
});

const addressSchema = z.email().max(254);

export const emailChannelInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.literal('email'),
  to: z.array(addressSchema).min(1).max(50),
  from: addressSchema.optional(),
  smtp: smtpSchema.optional(),
});

export const webhookChannelInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  format: z.enum(['json', 'slack']).default('json'),
  signing_secret: secretInputSchema.optional(),
});

export const channelInputSchema = z.discriminatedUnion('kind', [emailChannelInput, webhookChannelInput]);
export type ChannelInput = z.input<typeof channelInputSchema>;
export type ParsedChannelInput = z.infer<typeof channelInputSchema>;

/** A channel as the API shows it: the configuration, and only how each secret is held. */
export function channelView(c: Channel) {
  const secrets: Record<string, SecretView> = {};
  for (const [k, v] of Object.entries(c.secrets) as Array<[string, StoredSecret | undefined]>) {
    if (v) secrets[k] = viewSecret(v);
  }
  return {
    id: c.id,
    name: c.name,
    kind: c.config.kind,
    config: c.config,
    secrets,
    created_by: c.created_by,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

/** One message, ready for every kind of channel. */
export interface OutgoingMessage {
  kind: 'firing' | 'resolved' | 'test' | 'report';
  title: string;
  text: string;
  /** E-mail only: an HTML body (images by cid) and attachments. */
  html?: string;
  attachments?: MessageAttachment[];
  /** The generic webhook body. */
  json: Record<string, unknown>;
  /** The text of the Slack-compatible body (mrkdwn). */
  slack: string;
}

export interface MessageAttachment {
  filename: string;
  contentType: string;
  /** Base64; dropped from the delivery log once the message is sent (size kept). */
  content?: string;
  size: number;
  /** Set for images the HTML shows inline. */
  cid?: string;
}

export interface DeliveryResult {
  /** A short receipt: the SMTP server's answer or the HTTP status. */
  response: string;
}

export class DeliveryError extends Error {}

/** The server's own SMTP server, from DESKSCORE_SMTP_* (null when DESKSCORE_SMTP_HOST is unset). */
export function serverSmtp(env: NodeJS.ProcessEnv = process.env) {
  const host = env.DESKSCORE_SMTP_HOST;
  if (!host) return null;
  const security = (env.DESKSCORE_SMTP_SECURITY ?? 'starttls') as SmtpSecurity;
  if (!SMTP_SECURITY.includes(security)) {
    throw new DeliveryError(`DESKSCORE_SMTP_SECURITY must be one of ${SMTP_SECURITY.join(', ')}`);
  }
  return {
    host,
    port: env.DESKSCORE_SMTP_PORT ? Number(env.DESKSCORE_SMTP_PORT) : null,
    security,
    user: env.DESKSCORE_SMTP_USER || null,
    password: env.DESKSCORE_SMTP_PASSWORD ? ({ env: 'DESKSCORE_SMTP_PASSWORD' } as StoredSecret) : undefined,
    tls_reject_unauthorized: env.DESKSCORE_SMTP_TLS_REJECT_UNAUTHORIZED !== '0',
    from: env.DESKSCORE_SMTP_FROM || null,
  };
}

const defaultPort = (security: SmtpSecurity) =>
  security === 'tls' ? 465 : security === 'starttls' ? 587 : 25;

async function sendEmail(
  orgId: number,
  channel: Channel & { config: Extract<ChannelConfig, { kind: 'email' }> },
  message: OutgoingMessage,
  env: NodeJS.ProcessEnv,
  recipients: readonly string[] | undefined,
): Promise<DeliveryResult> {
  const own = channel.config.smtp;
  const fallback = own ? null : serverSmtp(env);
  const smtp = own ?? fallback;
  if (!smtp) {
    throw new DeliveryError(
      'no SMTP server: give the channel "smtp" settings or set DESKSCORE_SMTP_HOST on the server',
    );
  }
  const passwordRef = own ? channel.secrets.smtp_password : fallback?.password;
  const password = passwordRef ? revealSecret(passwordRef, orgId, env) : undefined;
  const from = channel.config.from ?? fallback?.from ?? env.DESKSCORE_SMTP_FROM ?? `deskscore@${smtp.host}`;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port ?? defaultPort(smtp.security),
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    tls: { rejectUnauthorized: smtp.tls_reject_unauthorized },
    ...(smtp.user ? { auth: { user: smtp.user, pass: password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({
      from,
      to: [...(recipients ?? channel.config.to)],
      subject: message.title,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      attachments: (message.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content ?? '', 'base64'),
        ...(a.cid ? { cid: a.cid } : {}),
      })),
    });
    return { response: String(info.response ?? info.messageId ?? 'sent').slice(0, 500) };
  } catch (error) {
    throw new DeliveryError(redact(`SMTP: ${(error as Error).message}`, password ? [password] : []));
  } finally {
    transport.close();
  }
}

export const SIGNATURE_HEADER = 'x-deskscore-signature';
export const TIMESTAMP_HEADER = 'x-deskscore-timestamp';
export const DELIVERY_HEADER = 'x-deskscore-delivery';

/** `v1=` + hex HMAC-SHA256 of "<timestamp>.<body>": the scheme deskscore verifies on batches it receives. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** The body Slack's incoming webhooks (and Mattermost, Rocket.Chat, …) accept. */
export function slackBody(message: OutgoingMessage): Record<string, unknown> {
  const text = message.slack.length > 2900 ? `${message.slack.slice(0, 2900)}…` : message.slack;
  return {
    text: message.title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: message.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text } },
    ],
  };
}

async function sendWebhook(
  orgId: number,
  channel: Channel & { config: Extract<ChannelConfig, { kind: 'webhook' }> },
  message: OutgoingMessage,
  env: NodeJS.ProcessEnv,
  deliveryId: string,
  now: Date,
): Promise<DeliveryResult> {
  const body = JSON.stringify(channel.config.format === 'slack' ? slackBody(message) : message.json);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'deskscore-alerts/1',
    [DELIVERY_HEADER]: deliveryId,
  };
  const secret = channel.secrets.signing_secret
    ? revealSecret(channel.secrets.signing_secret, orgId, env)
    : undefined;
  if (secret) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
  }
  let res: Response;
  try {
    res = await fetch(channel.config.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new DeliveryError(
      redact(
        `webhook: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`,
        secret ? [secret] : [],
      ),
    );
  }
  const answer = (await res.text().catch(() => '')).slice(0, 200);
  if (!res.ok) throw new DeliveryError(`webhook answered HTTP ${res.status}${answer ? `: ${answer}` : ''}`);
  return { response: `HTTP ${res.status}` };
}

/** Sends one message on one channel; throws DeliveryError (with no secret in it) on failure. */
export async function sendMessage(
  orgId: number,
  channel: Channel,
  message: OutgoingMessage,
  options: { deliveryId: string; now: Date; env?: NodeJS.ProcessEnv; recipients?: readonly string[] },
): Promise<DeliveryResult> {
  const env = options.env ?? process.env;
  const config = channel.config;
  if (config.kind === 'email') {
    return sendEmail(orgId, { ...channel, config }, message, env, options.recipients);
  }
  return sendWebhook(orgId, { ...channel, config }, message, env, options.deliveryId, options.now);
}
