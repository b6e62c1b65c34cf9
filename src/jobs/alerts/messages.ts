import type { AlertRule } from '../../storage/alerts-repository.js';
import type { Organization } from '../../storage/organizations.js';
import type { OutgoingMessage } from './channels.js';

/** One subject in a notice, with the alert event it belongs to. */
export interface NoticeItem {
  event_id: number;
  key: string;
  label: string;
  summary: string;
  /** For a firing notice: the condition changed (e.g. at risk → off track) rather than started. */
  changed?: boolean;
}

const RULE_KIND_NAMES: Record<AlertRule['kind'], string> = {
  kpi_threshold: 'KPI threshold',
  goal_status: 'goal status',
  sla_risk: 'SLA breach risk',
  counterweight: 'counterweight warning',
  volume_spike: 'volume spike',
};

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Slack's mrkdwn needs &, < and > escaped. */
const escapeSlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A firing or resolved notice of one rule, listing its subjects. */
export function alertNotice(
  org: Organization,
  rule: AlertRule,
  kind: 'firing' | 'resolved',
  items: readonly NoticeItem[],
  at: Date,
): OutgoingMessage {
  const what = RULE_KIND_NAMES[rule.kind];
  const title =
    kind === 'firing'
      ? `[deskscore] ${rule.name}: ${items.length === 1 ? items[0]!.label : `${items.length} alerts`}`
      : `[deskscore] Resolved: ${rule.name}${items.length === 1 ? `: ${items[0]!.label}` : ` (${items.length})`}`;
  const intro =
    kind === 'firing'
      ? `The ${what} rule "${rule.name}" of organisation ${org.name} fired:`
      : `The ${what} rule "${rule.name}" of organisation ${org.name} cleared for:`;
  const lines = items.map((i) => `${i.changed ? '(changed) ' : ''}${i.summary}`);
  const text = `${intro}\n\n${lines.map((l) => `- ${l}`).join('\n')}\n\nat ${at.toISOString()}\n`;
  const html = `<p>${escapeHtml(intro)}</p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p style="color:#666">at ${at.toISOString()} · deskscore</p>`;
  return {
    kind,
    title,
    text,
    html,
    json: {
      event: `alert.${kind}`,
      organization: { id: org.id, slug: org.slug, name: org.name },
      rule: { id: rule.id, name: rule.name, kind: rule.kind, scope: rule.scope },
      title,
      items: items.map((i) => ({
        event_id: i.event_id,
        key: i.key,
        label: i.label,
        summary: i.summary,
        changed: i.changed ?? false,
      })),
      at: at.toISOString(),
    },
    slack: `${kind === 'firing' ? ':rotating_light:' : ':white_check_mark:'} ${escapeSlack(intro)}\n${lines.map((l) => `• ${escapeSlack(l)}`).join('\n')}`,
  };
}

/** The message a test-send delivers. */
export function testMessage(
  org: Organization,
  channelName: string,
  actor: string,
  at: Date,
): OutgoingMessage {
  const title = `[deskscore] Test message for channel "${channelName}"`;
  const text = `This is a test of the delivery channel "${channelName}" of organisation ${org.name}, sent by ${actor} at ${at.toISOString()}. If you can read it, alerts and reports will reach you here.\n`;
  return {
    kind: 'test',
    title,
    text,
    html: `<p>${escapeHtml(text)}</p>`,
    json: {
      event: 'alert.test',
      organization: { id: org.id, slug: org.slug, name: org.name },
      title,
      text,
      at: at.toISOString(),
    },
    slack: `:white_check_mark: ${escapeSlack(text)}`,
  };
}
