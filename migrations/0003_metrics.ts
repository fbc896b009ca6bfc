// Training load (issue 4): where each user's load series starts and ends, a concurrency token for its
// recompute, and which risk alerts have been announced.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const upStatements: RawBuilder<unknown>[] = [
  // One row per user with a computed series. The series starts on the first-ever (non-duplicate) activity:
  // EWMAs are seeded with 0 the day before, so moving the start changes every value (science.md §3), and a
  // change before it, or a deleted first activity, means a full recompute. `version` is the optimistic
  // concurrency token of the recompute: a write based on an older read finds it moved and starts again.
  sql`
    create table load_series (
      user_id uuid primary key references users (id) on delete cascade,
      series_start date,
      series_end date,
      version bigint not null default 1 check (version >= 1),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint load_series_dates_check
        check ((series_start is null) = (series_end is null) and series_start <= series_end)
    )`,
  sql`comment on column load_series.series_start is 'first day of the rolling_stats series: the first activity''s local date'`,
  sql`comment on column load_series.series_end is 'last computed day: the user''s local today at the last recompute'`,
  sql`
    create trigger load_series_set_updated_at before update on load_series
    for each row execute function set_updated_at()`,

  // RiskAlertRaised is published after the alert's row commits; a row still null here was not announced
  // (PutEvents failed), so the next recompute for the user announces it.
  sql`alter table risk_alerts add column published_at timestamptz`,
  sql`create index risk_alerts_unpublished_idx on risk_alerts (user_id, date) where published_at is null`,
  sql`comment on column risk_alerts.published_at is 'when RiskAlertRaised was published; null: not announced (yet)'`,
];

const downStatements: RawBuilder<unknown>[] = [
  sql`drop index risk_alerts_unpublished_idx`,
  sql`alter table risk_alerts drop column published_at`,
  sql`drop table load_series`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
