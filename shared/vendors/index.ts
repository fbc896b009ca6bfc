export * from './activity';
export * from './apple';
export * from './garmin';
export * from './strava';
