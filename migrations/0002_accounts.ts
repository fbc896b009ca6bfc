// Login throttling keyed on the email, not only the account: failures for an address nobody registered are
// counted too, so a 429 (or its absence) never tells an attacker whether an account exists. The address is
// kept only as its SHA-256 (shared/auth/throttle.ts), user_id when the account exists (erasure cascades).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table failed_login_attempts alter column user_id drop not null`.execute(db);
  await sql`alter table failed_login_attempts add column email_hash text check (email_hash ~ '^[0-9a-f]{64}$')`.execute(db);
  await sql`
    update failed_login_attempts f set email_hash = encode(sha256(convert_to(u.email, 'UTF8')), 'hex')
    from users u where u.id = f.user_id`.execute(db);
  await sql`
    alter table failed_login_attempts add constraint failed_login_attempts_subject_check
      check (user_id is not null or email_hash is not null)`.execute(db);
  await sql`
    create index failed_login_attempts_email_hash_attempted_at_idx
      on failed_login_attempts (email_hash, attempted_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index failed_login_attempts_email_hash_attempted_at_idx`.execute(db);
  await sql`alter table failed_login_attempts drop constraint failed_login_attempts_subject_check`.execute(db);
  await sql`delete from failed_login_attempts where user_id is null`.execute(db);
  await sql`alter table failed_login_attempts drop column email_hash`.execute(db);
  await sql`alter table failed_login_attempts alter column user_id set not null`.execute(db);
}
