// The words for activities that the database's CHECKs, the API and the ingestion rules share.
export const activitySources = ['manual', 'garmin', 'strava', 'apple'] as const;
export type ActivitySource = (typeof activitySources)[number];
export const activityTypes = [
  'run',
  'long_run',
  'interval',
  'recovery',
  'tempo',
  'race',
  'trail_run',
  'treadmill',
  'strength',
  'cross_training',
  'walk',
  'ride',
  'other',
] as const;
export type ActivityType = (typeof activityTypes)[number];
