// The application role every function logs in as (through the RDS Proxy, with IAM tokens): it may read
// and write the product tables and use their sequences, nothing else. It owns nothing, so it cannot
// change the schema, and it cannot touch the migration bookkeeping. Tables that later migrations create
// (as the owner) get the same grants through default privileges. `rds_iam` exists only on RDS/Aurora:
// there the role may authenticate with IAM tokens; locally the role simply exists.
import { sql, type Kysely } from 'kysely';
import { APP_DB_USER } from '#shared/db/roles';

const role = sql.id(APP_DB_USER);

export async function up(db: Kysely<any>): Promise<void> {
  // Roles are per server, not per database: another database on the same server (a test clone) may have
  // created it already, possibly at the same moment.
  await sql`
    do $$ begin
      if not exists (select from pg_roles where rolname = ${sql.lit(APP_DB_USER)}) then
        create role ${role} login;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);
  await sql`
    do $$ begin
      if exists (select from pg_roles where rolname = 'rds_iam') then
        grant rds_iam to ${role};
      end if;
    end $$`.execute(db);
  await sql`
    do $$
    declare s text := current_schema();
    begin
      execute format('grant usage on schema %I to %I', s, ${sql.lit(APP_DB_USER)});
      execute format('grant select, insert, update, delete on all tables in schema %I to %I', s, ${sql.lit(APP_DB_USER)});
      execute format('grant usage, select on all sequences in schema %I to %I', s, ${sql.lit(APP_DB_USER)});
      execute format('alter default privileges in schema %I grant select, insert, update, delete on tables to %I', s, ${sql.lit(APP_DB_USER)});
      execute format('alter default privileges in schema %I grant usage, select on sequences to %I', s, ${sql.lit(APP_DB_USER)});
      -- The migration bookkeeping is the owner's alone.
      execute format('revoke all on table %I.schema_migrations, %I.schema_migrations_lock from %I', s, s, ${sql.lit(APP_DB_USER)});
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The role itself stays: other databases on the server may still grant it something.
  await sql`
    do $$
    declare s text := current_schema();
    begin
      execute format('alter default privileges in schema %I revoke all on tables from %I', s, ${sql.lit(APP_DB_USER)});
      execute format('alter default privileges in schema %I revoke all on sequences from %I', s, ${sql.lit(APP_DB_USER)});
      execute format('revoke all on all tables in schema %I from %I', s, ${sql.lit(APP_DB_USER)});
      execute format('revoke all on all sequences in schema %I from %I', s, ${sql.lit(APP_DB_USER)});
      execute format('revoke usage on schema %I from %I', s, ${sql.lit(APP_DB_USER)});
    end $$`.execute(db);
}
