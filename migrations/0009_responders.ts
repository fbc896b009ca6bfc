// Responder classification is computed by the weekly job (shared/responders/), not set by the athlete: the
// classes become the literature's high / moderate / low, a job run that could not classify stores its reason
// (evidence) with a null class, and the research consent setting (opt-in, GDPR Art. 9(2)(a)) is added.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop constraint users_responder_updated_at_check`.execute(db);
  await sql`alter table users drop constraint users_responder_classification_check`.execute(db);
  await sql`update users set responder_classification = 'moderate' where responder_classification = 'average'`.execute(db);
  await sql`alter table users add constraint users_responder_classification_check
    check (responder_classification in ('low', 'moderate', 'high'))`.execute(db);
  // What decided the class (or why there is none); the job stamps responder_updated_at on every judgement.
  await sql`alter table users add column responder_evidence jsonb
    check (jsonb_typeof(responder_evidence) = 'object')`.execute(db);
  await sql`alter table users add constraint users_responder_judged_check
    check (responder_classification is null or (responder_updated_at is not null and responder_evidence is not null))`.execute(db);
  await sql`alter table users add column research_consent boolean not null default false`.execute(db);
  // The monthly research export reads the consenting athletes only.
  await sql`create index users_research_consent_idx on users (id) where research_consent`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index users_research_consent_idx`.execute(db);
  await sql`alter table users drop column research_consent`.execute(db);
  await sql`alter table users drop constraint users_responder_judged_check`.execute(db);
  await sql`alter table users drop column responder_evidence`.execute(db);
  await sql`alter table users drop constraint users_responder_classification_check`.execute(db);
  await sql`update users set responder_classification = 'average' where responder_classification = 'moderate'`.execute(db);
  await sql`update users set responder_updated_at = null where responder_classification is null`.execute(db);
  await sql`alter table users add constraint users_responder_classification_check
    check (responder_classification in ('low', 'average', 'high'))`.execute(db);
  await sql`alter table users add constraint users_responder_updated_at_check
    check ((responder_classification is null) = (responder_updated_at is null))`.execute(db);
}
