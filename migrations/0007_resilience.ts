// Resilience (issue 12): alerts are reconciled on every recompute (resolved_at), a merged activity records
// where each of its fields came from (field_sources), and unverified vendor events have a per-link budget of
// API calls (event_calls_*).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Null while the alert's condition holds; set when a recompute finds it no longer does.
  await sql`alter table risk_alerts add column resolved_at timestamptz`.execute(db);
  // {"avgHr": "<activity id>", ...}: fields the counted activity took from one of its duplicates.
  await sql`alter table activities add column field_sources jsonb not null default '{}'::jsonb`.execute(db);
  // API calls caused by unsigned webhook events for this link in the current window (a forged flood spends
  // this budget, not the application's whole Strava rate limit).
  await sql`alter table vendor_connections add column event_calls integer not null default 0 check (event_calls >= 0)`.execute(db);
  await sql`alter table vendor_connections add column event_calls_window_start timestamptz`.execute(db);
  await sql`
    create or replace function rolling_stats_write(
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
      -- raised: new alerts (inserted) and alerts that still hold, with today's numbers (an alert resolved
      -- earlier whose condition holds again is active again). resolved: active alerts of the recomputed days
      -- (or outside a series that shrank) whose condition no longer holds. Unread notifications follow:
      -- updated with the alert, withdrawn with it (a read one stays: the athlete saw it).
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
          upserted as (
            insert into risk_alerts as ra (user_id, kind, date, metrics)
            select p_user, c.kind, c.date, c.metrics from candidates c
            where exists (select from guard)
            on conflict (user_id, kind, date) do update
              set metrics = excluded.metrics, resolved_at = null, updated_at = now()
              where ra.metrics is distinct from excluded.metrics or ra.resolved_at is not null
            returning ra.id, ra.kind, ra.date, ra.metrics, (ra.xmax = 0) as inserted
          ),
          raised as (
            select u.id, u.kind, u.date, u.metrics from upserted u where u.inserted
          ),
          refreshed as (
            update notifications n
               set title = c.title, body = c.body,
                   data = jsonb_build_object('alertId', u.id, 'kind', u.kind, 'date', u.date, 'metrics', u.metrics),
                   updated_at = now()
              from upserted u
              join candidates c on c.kind = u.kind and c.date = u.date
             where not u.inserted and n.user_id = p_user and n.dedupe_key = 'risk_alert:' || u.id and n.read_at is null
          ),
          resolved as (
            update risk_alerts ra
               set resolved_at = now(), updated_at = now()
             where ra.user_id = p_user and ra.resolved_at is null
               and exists (select from guard)
               and (
                 (ra.date between (select min(d) from unnest(p_dates) d) and (select max(d) from unnest(p_dates) d))
                 or (p_trim and (p_series_start is null or ra.date < p_series_start or ra.date > p_series_end))
               )
               and not exists (select from candidates c where c.kind = ra.kind and c.date = ra.date)
            returning ra.id
          ),
          withdrawn as (
            delete from notifications n
             using resolved r
             where n.user_id = p_user and n.dedupe_key = 'risk_alert:' || r.id and n.read_at is null
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
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function rolling_stats_write`.execute(db);
  await sql`
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
    $$`.execute(db);
  await sql`alter table vendor_connections drop column event_calls_window_start`.execute(db);
  await sql`alter table vendor_connections drop column event_calls`.execute(db);
  await sql`alter table activities drop column field_sources`.execute(db);
  await sql`alter table risk_alerts drop column resolved_at`.execute(db);
}
