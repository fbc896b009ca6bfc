// The adaptive brain (issue 9):
// - the change log speaks the API's words: a missed session is 'missed_workout' and the athlete putting a
//   workout back is 'restore' (0005 said 'workout_missed' and 'undo'; 'activity_recorded' never changes a plan);
// - a change log row may name what caused it (`cause`: the risk alert or the missed workout), unique per plan,
//   so a redelivered event can never adapt the plan twice for the same cause;
// - a workout changed by an adaptation says why (`adaptation`: {trigger, code, message}); a workout changed by
//   the morning's readiness keeps what it was before that morning (`readiness_base`), so a better check-in later
//   that morning puts it back; a workout the athlete restored (`restored_in_version`) is left alone by the coach.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const upStatements: RawBuilder<unknown>[] = [
  sql`alter table plan_changes drop constraint plan_changes_trigger_check`,
  sql`update plan_changes set trigger = case trigger when 'workout_missed' then 'missed_workout' when 'undo' then 'restore' else trigger end`,
  sql`
    alter table plan_changes
      add constraint plan_changes_trigger_check
        check (trigger in ('onboarding', 'regenerate', 'readiness', 'risk_alert', 'missed_workout', 'restore')),
      add column cause text check (cause ~ '^[a-z_]+:[0-9a-f-]{36}$')`,
  sql`comment on column plan_changes.cause is 'what the adaptation answered: risk_alert:<alert id> or missed_workout:<workout id>; at most one version per cause'`,
  sql`create unique index plan_changes_plan_id_cause_key on plan_changes (plan_id, cause) where cause is not null`,

  sql`
    alter table scheduled_workouts
      add column adaptation jsonb check (
        jsonb_typeof(adaptation) = 'object'
        and adaptation->>'trigger' in ('readiness', 'risk_alert', 'missed_workout')
        and adaptation ? 'code' and adaptation ? 'message'),
      add column readiness_base jsonb check (jsonb_typeof(readiness_base) = 'object'),
      add column restored_in_version integer check (restored_in_version >= 1)`,
  sql`comment on column scheduled_workouts.adaptation is 'why the current prescription differs from the generated one: {trigger, code, message}; null while unchanged'`,
  sql`comment on column scheduled_workouts.readiness_base is 'before the morning readiness rule changed it: {prescription, adaptation}; a green judgement puts it back'`,
  sql`comment on column scheduled_workouts.restored_in_version is 'the version in which the athlete put the original back; adaptations leave the workout alone from then on'`,
  // The midnight sweep and the activity link look for one athlete's planned workouts on a given day.
  sql`
    create index scheduled_workouts_planned_user_date_idx on scheduled_workouts (user_id, date)
    where state = 'planned' and removed_in_version is null`,
];

const downStatements: RawBuilder<unknown>[] = [
  sql`drop index scheduled_workouts_planned_user_date_idx`,
  sql`
    alter table scheduled_workouts
      drop column restored_in_version,
      drop column readiness_base,
      drop column adaptation`,
  sql`drop index plan_changes_plan_id_cause_key`,
  sql`alter table plan_changes drop constraint plan_changes_trigger_check, drop column cause`,
  sql`update plan_changes set trigger = case trigger when 'missed_workout' then 'workout_missed' when 'restore' then 'undo' else trigger end`,
  sql`
    alter table plan_changes
      add constraint plan_changes_trigger_check check (
        trigger in ('onboarding', 'regenerate', 'readiness', 'risk_alert', 'workout_missed', 'activity_recorded', 'undo'))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
