// Database roles. The owner runs migrations (deploy time only); every function connects as the
// application role, which may read and write the product tables and nothing else (migration 0011).
export const OWNER_DB_USER = 'coach_admin';
export const APP_DB_USER = 'coach_app';
