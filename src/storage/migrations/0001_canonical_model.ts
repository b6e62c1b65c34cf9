import type { Kysely } from 'kysely';

// Migrations are written once with Kysely's schema builder and compiled for each engine.
// Types stay in the common subset: text, bigint, integer, double precision, boolean, timestamptz.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  for (const table of ['desks', 'customers'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('org_id', 'bigint', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['org_id', 'id'])
      .execute();
  }
  await db.schema
    .createTable('teams')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('desk_id', 'text')
    .addPrimaryKeyConstraint('teams_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createTable('agents')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('email', 'text')
    .addPrimaryKeyConstraint('agents_pk', ['org_id', 'id'])
    .execute();

  await db.schema
    .createTable('tickets')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text')
    .addColumn('channel', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('ticket_type', 'text')
    .addColumn('subject', 'text')
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('solved_at', 'timestamptz')
    .addColumn('reopen_count', 'integer')
    .addColumn('agent_replies', 'integer')
    .addColumn('handle_time_seconds', 'double precision')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('sla_breached', 'boolean')
    .addColumn('automated', 'boolean')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('source_shape', 'text', (c) => c.notNull())
    .addColumn('snapshot_key', 'double precision')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('tickets_pk', ['org_id', 'id'])
    .execute();

  await db.schema
    .createTable('ticket_events')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_type', 'text')
    .addColumn('actor', 'text')
    .addColumn('public', 'boolean')
    .addColumn('status', 'text')
    .addColumn('team', 'text')
    .addColumn('assignee', 'text')
    .addColumn('priority', 'text')
    .addColumn('channel', 'text')
    .addColumn('desk', 'text')
    .addColumn('customer', 'text')
    .addColumn('seconds', 'double precision')
    .addColumn('ticket_type', 'text')
    .addColumn('tags', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_events_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('ticket_events_by_ticket')
    .on('ticket_events')
    .columns(['org_id', 'ticket_id'])
    .execute();

  await db.schema
    .createTable('imports')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('shape', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('rows_read', 'bigint', (c) => c.notNull())
    .addColumn('rows_skipped', 'bigint', (c) => c.notNull())
    .addColumn('tickets_created', 'bigint', (c) => c.notNull())
    .addColumn('tickets_updated', 'bigint', (c) => c.notNull())
    .addColumn('tickets_unchanged', 'bigint', (c) => c.notNull())
    .addColumn('events_created', 'bigint', (c) => c.notNull())
    .addColumn('events_updated', 'bigint', (c) => c.notNull())
    .addColumn('events_unchanged', 'bigint', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    .addColumn('error_count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('imports_pk', ['org_id', 'id'])
    .execute();

  await db.schema
    .createTable('business_schedules')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('business_schedules_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createTable('schedule_intervals')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('schedule_id', 'text', (c) => c.notNull())
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('start_minute', 'integer', (c) => c.notNull())
    .addColumn('end_minute', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_intervals_pk', ['org_id', 'schedule_id', 'weekday', 'start_minute'])
    .execute();
  await db.schema
    .createTable('schedule_holidays')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('schedule_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_holidays_pk', ['org_id', 'schedule_id', 'day'])
    .execute();

  await db.schema
    .createTable('sla_policies')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('pausing_statuses', 'text', (c) => c.notNull())
    .addColumn('schedule_id', 'text')
    .addPrimaryKeyConstraint('sla_policies_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createTable('sla_targets')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('target_seconds', 'double precision', (c) => c.notNull())
    .addColumn('business_hours', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_targets_pk', ['org_id', 'policy_id', 'priority', 'metric'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
