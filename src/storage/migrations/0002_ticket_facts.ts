import type { Kysely } from 'kysely';

// Facts are derived from tickets and events (src/derive) and can be rebuilt at any time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ticket_facts')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('priority', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('created_team_id', 'text')
    .addColumn('created_assignee_id', 'text')
    .addColumn('solved_team_id', 'text')
    .addColumn('solved_assignee_id', 'text')
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('first_response_seconds', 'double precision')
    .addColumn('first_response_business_seconds', 'double precision')
    .addColumn('first_solved_at', 'timestamptz')
    .addColumn('solved_at', 'timestamptz')
    .addColumn('first_resolution_seconds', 'double precision')
    .addColumn('first_resolution_business_seconds', 'double precision')
    .addColumn('full_resolution_seconds', 'double precision')
    .addColumn('full_resolution_business_seconds', 'double precision')
    .addColumn('reopen_count', 'integer')
    .addColumn('agent_replies', 'integer')
    .addColumn('customer_messages', 'integer')
    .addColumn('handle_time_seconds', 'double precision')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('escalated_team_id', 'text')
    .addColumn('escalated_assignee_id', 'text')
    .addColumn('escalation_response_at', 'timestamptz')
    .addColumn('escalation_response_seconds', 'double precision')
    .addColumn('escalation_response_business_seconds', 'double precision')
    .addColumn('automated', 'boolean', (c) => c.notNull())
    .addColumn('complaint', 'boolean', (c) => c.notNull())
    .addColumn('fcr_single_reply_no_reopen', 'boolean')
    .addColumn('fcr_one_touch', 'boolean')
    .addColumn('fcr_no_customer_followup', 'boolean')
    .addPrimaryKeyConstraint('ticket_facts_pk', ['org_id', 'ticket_id'])
    .execute();
  await db.schema
    .createIndex('ticket_facts_by_created')
    .on('ticket_facts')
    .columns(['org_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('ticket_facts_by_solved')
    .on('ticket_facts')
    .columns(['org_id', 'solved_at'])
    .execute();

  await db.schema
    .createTable('reply_facts')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('replied_at', 'timestamptz', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('priority', 'text')
    .addColumn('reply_seconds', 'double precision')
    .addColumn('reply_business_seconds', 'double precision')
    .addColumn('is_first', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('reply_facts_pk', ['org_id', 'ticket_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('reply_facts_by_time')
    .on('reply_facts')
    .columns(['org_id', 'replied_at'])
    .execute();

  await db.schema
    .createTable('sla_instances')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('policy_id', 'text')
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('priority', 'text')
    .addColumn('team_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('target_seconds', 'double precision')
    .addColumn('business_hours', 'boolean', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('achieved_at', 'timestamptz')
    .addColumn('breached_at', 'timestamptz')
    .addPrimaryKeyConstraint('sla_instances_pk', ['org_id', 'ticket_id', 'seq'])
    .execute();

  // Which schedule business durations use; at most one per organisation is the default.
  await db.schema.alterTable('business_schedules').addColumn('is_default', 'boolean').execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
