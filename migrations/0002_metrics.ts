// Training load (issue 4): where each user's load series starts and ends, a concurrency token for its
// recompute, and the recompute's read and write statements.
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

  // The recompute's read and write (shared/metrics/rolling-stats-store.ts) as PL/pgSQL functions, for one
  // reason: PL/pgSQL keeps the plans of its statements for the session, and for a one-day update parsing and
  // planning these statements cost more than running them (measured 2x the bare read and write on
  // PostgreSQL and PGlite; about 1.3x with cached plans). One statement each, so one snapshot each.
  // Change them with `create or replace function` in a later migration.
  sql`
    create function rolling_stats_inputs(p_user uuid, p_changed date)
    returns table (
      row_kind text, date date, load double precision, time_zone text, week_start_day smallint,
      risk_alert_notifications text, series_start date, series_end date, version bigint,
      acute double precision, chronic double precision, first_date date, loads_from date
    )
    language plpgsql stable as $$
    #variable_conflict use_column
    begin
      -- One 'plan' row (the user, the stored series, the state of the day before the earlier of the changed
      -- day and the day after the stored end, the first activity's day, and from when loads are read), then
      -- one 'load' row per day with activities from 6 days (the monotony window) before the first day to
      -- recompute; all of them when nothing is stored or the change is before the series.
      return query
        select
          'plan'::text, rs.date, null::double precision,
          u.time_zone, u.week_start_day, u.notification_preferences ->> 'risk_alert',
          s.series_start, s.series_end, s.version, rs.acute, rs.chronic,
          (select min(a.local_date) from activities a where a.user_id = p_user and a.duplicate_of is null),
          case when s.series_start is null or p_changed < s.series_start then null
               else least(p_changed, s.series_end + 1) - 6 end
        from users u
        left join load_series s on s.user_id = u.id
        left join rolling_stats rs on rs.user_id = u.id and rs.date = least(p_changed, s.series_end + 1) - 1
        where u.id = p_user
        union all
        select 'load', a.local_date, coalesce(sum(a.internal_load), 0), null, null, null, null, null, null, null, null, null, null
        from activities a
        where a.user_id = p_user and a.duplicate_of is null
          and a.local_date >= coalesce((
            select case when ls.series_start is null or p_changed < ls.series_start then null
                        else least(p_changed, ls.series_end + 1) - 6 end
            from load_series ls where ls.user_id = p_user), '-infinity'::date)
        group by a.local_date;
    end
    $$`,
  // New alerts dated from p_announce_from on are announced in the same statement: RiskAlertRaised into the
  // transactional outbox (event_outbox, migration 0003; PL/pgSQL resolves tables when it runs) and, with
  // p_notify, a notification whose text the caller wrote per alert (p_alert_titles/p_alert_bodies).
  sql`
    create function rolling_stats_write(
      p_user uuid, p_expected_version bigint, p_series_start date, p_series_end date, p_trim boolean,
      p_dates date[], p_loads double precision[], p_acute double precision[], p_chronic double precision[],
      p_acwr double precision[], p_tsb double precision[], p_week_load double precision[],
      p_monotony double precision[], p_strain double precision[],
      p_alert_kinds text[], p_alert_dates date[], p_alert_metrics jsonb[], p_alert_titles text[], p_alert_bodies text[],
      p_announce_from date, p_notify boolean
    )
    returns table (version bigint, outbox_id uuid, detail jsonb)
    language plpgsql volatile as $$
    #variable_conflict use_column
    begin
      -- guard: bump the version if it is still the one read (or create the row if none was read); when
      -- another recompute committed first it returns nothing and nothing below writes.
      -- written: unchanged days are not touched. trimmed: rows outside the series when it shrank.
      -- raised: new alerts; an existing alert of that kind and day stays as it was raised.
      return query
        with
          guard as (
            insert into load_series as s (user_id, series_start, series_end)
            values (p_user, p_series_start, p_series_end)
            on conflict (user_id) do update
              set series_start = excluded.series_start, series_end = excluded.series_end, version = s.version + 1
              where s.version = p_expected_version
            returning s.version
          ),
          written as (
            insert into rolling_stats as rs (user_id, date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
            select p_user, d.*
            from unnest(p_dates, p_loads, p_acute, p_chronic, p_acwr, p_tsb, p_week_load, p_monotony, p_strain)
              as d (date, load, acute, chronic, acwr, tsb, week_load, monotony, strain)
            where exists (select from guard)
            on conflict (user_id, date) do update
              set load = excluded.load, acute = excluded.acute, chronic = excluded.chronic, acwr = excluded.acwr,
                  tsb = excluded.tsb, week_load = excluded.week_load, monotony = excluded.monotony, strain = excluded.strain
              where (rs.load, rs.acute, rs.chronic, rs.acwr, rs.tsb, rs.week_load, rs.monotony, rs.strain)
                is distinct from (excluded.load, excluded.acute, excluded.chronic, excluded.acwr, excluded.tsb,
                                  excluded.week_load, excluded.monotony, excluded.strain)
          ),
          trimmed as (
            delete from rolling_stats t
            where p_trim and t.user_id = p_user
              and (p_series_start is null or t.date < p_series_start or t.date > p_series_end)
              and exists (select from guard)
          ),
          candidates as (
            select * from unnest(p_alert_kinds, p_alert_dates, p_alert_metrics, p_alert_titles, p_alert_bodies)
              as a (kind, date, metrics, title, body)
          ),
          raised as (
            insert into risk_alerts as ra (user_id, kind, date, metrics)
            select p_user, c.kind, c.date, c.metrics from candidates c
            where exists (select from guard)
            on conflict (user_id, kind, date) do nothing
            returning ra.id, ra.kind, ra.date, ra.metrics
          ),
          notified as (
            insert into notifications (user_id, kind, title, body, data, dedupe_key)
            select p_user, 'risk_alert', c.title, c.body,
                   jsonb_build_object('alertId', r.id, 'kind', r.kind, 'date', r.date, 'metrics', r.metrics),
                   'risk_alert:' || r.id
            from raised r
            join candidates c on c.kind = r.kind and c.date = r.date
            where p_notify and r.date >= p_announce_from
            on conflict (user_id, dedupe_key) do nothing
          ),
          announced as (
            insert into event_outbox (detail_type, detail)
            select 'RiskAlertRaised', jsonb_build_object('userId', p_user, 'alertId', r.id, 'date', r.date, 'kind', r.kind)
            from raised r
            where r.date >= p_announce_from
            returning event_outbox.id, event_outbox.detail
          )
        select g.version, a.id, a.detail
        from guard g
        left join announced a on true;
    end
    $$`,
];

const downStatements: RawBuilder<unknown>[] = [sql`drop function rolling_stats_write`, sql`drop function rolling_stats_inputs`, sql`drop table load_series`];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await statement.execute(db);
}
