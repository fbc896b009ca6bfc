// Each vendor's activity types in ours. Pure. cross_training: endurance and sport sessions that load the
// body like training; other: mind-body, leisure and skill sports, and any type a vendor adds that we do not
// know yet.
import type { ActivityType } from './activity-vocabulary';

// ---- Strava: sport_type (https://developers.strava.com/docs/reference/#api-models-SportType) ------

const stravaTypes: Readonly<Record<string, ActivityType>> = {
  Run: 'run',
  TrailRun: 'trail_run',
  VirtualRun: 'treadmill',
  Ride: 'ride',
  VirtualRide: 'ride',
  EBikeRide: 'ride',
  EMountainBikeRide: 'ride',
  MountainBikeRide: 'ride',
  GravelRide: 'ride',
  Handcycle: 'ride',
  Velomobile: 'ride',
  Walk: 'walk',
  Hike: 'walk',
  WeightTraining: 'strength',
  Swim: 'cross_training',
  Rowing: 'cross_training',
  VirtualRow: 'cross_training',
  Elliptical: 'cross_training',
  StairStepper: 'cross_training',
  NordicSki: 'cross_training',
  BackcountrySki: 'cross_training',
  RollerSki: 'cross_training',
  Snowshoe: 'cross_training',
  Canoeing: 'cross_training',
  Kayaking: 'cross_training',
  StandUpPaddling: 'cross_training',
  InlineSkate: 'cross_training',
  IceSkate: 'cross_training',
  HighIntensityIntervalTraining: 'cross_training',
  Crossfit: 'cross_training',
  Workout: 'cross_training',
  RockClimbing: 'cross_training',
  Wheelchair: 'cross_training',
  Soccer: 'cross_training',
  Tennis: 'cross_training',
  Squash: 'cross_training',
  Badminton: 'cross_training',
  Pickleball: 'cross_training',
  Racquetball: 'cross_training',
  TableTennis: 'cross_training',
  Padel: 'cross_training',
  Basketball: 'cross_training',
  Volleyball: 'cross_training',
};

/** The types a Strava `trainer` flag turns into a treadmill run. */
const isRunning = (t: ActivityType) => t === 'run' || t === 'trail_run' || t === 'treadmill';

export function stravaActivityType(sportType: string | null | undefined, trainer: boolean): ActivityType {
  const type = (sportType && Object.hasOwn(stravaTypes, sportType) ? stravaTypes[sportType] : undefined) ?? 'other';
  // `trainer` means it happened indoors: a run on a trainer is a treadmill run whatever the sport type says.
  return trainer && isRunning(type) ? 'treadmill' : type;
}

// ---- Garmin: activityType ----------------------------------------------------------------------------

// Garmin's names are compositional (TRACK_RUNNING, ULTRA_RUN, GRAVEL_CYCLING...), so keywords catch the
// families after the exact matches.
const garminTypes: Readonly<Record<string, ActivityType>> = {
  TRAIL_RUNNING: 'trail_run',
  TREADMILL_RUNNING: 'treadmill',
  INDOOR_RUNNING: 'treadmill',
  VIRTUAL_RUN: 'treadmill',
  STRENGTH_TRAINING: 'strength',
  HIKING: 'walk',
  INDOOR_ROWING: 'cross_training',
  ROWING: 'cross_training',
  ELLIPTICAL: 'cross_training',
  STAIR_CLIMBING: 'cross_training',
  INDOOR_CARDIO: 'cross_training',
  HIIT: 'cross_training',
  FITNESS_EQUIPMENT: 'cross_training',
  CROSS_COUNTRY_SKIING_WS: 'cross_training',
  SKATE_SKIING_WS: 'cross_training',
  BACKCOUNTRY_SKIING_SNOWBOARDING_WS: 'cross_training',
  STAND_UP_PADDLEBOARDING: 'cross_training',
  KAYAKING: 'cross_training',
  INLINE_SKATING: 'cross_training',
  ROCK_CLIMBING: 'cross_training',
};
const garminFamilies: ReadonlyArray<[RegExp, ActivityType]> = [
  [/RUN/, 'run'],
  [/CYCLING|BIKING|BIKE|RIDE/, 'ride'],
  [/WALK/, 'walk'],
  [/SWIM/, 'cross_training'],
];

export function garminActivityType(activityType: string | undefined): ActivityType {
  const name = (activityType ?? '').toUpperCase();
  if (Object.hasOwn(garminTypes, name)) return garminTypes[name]!;
  return garminFamilies.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
}

// ---- Apple Health: HKWorkoutActivityType ----------------------------------------------------------

// Keys are the names lower-cased without prefix or separators.
const appleTypes: Readonly<Record<string, ActivityType>> = {
  running: 'run',
  trailrunning: 'trail_run',
  walking: 'walk',
  hiking: 'walk',
  cycling: 'ride',
  handcycling: 'ride',
  traditionalstrengthtraining: 'strength',
  functionalstrengthtraining: 'strength',
  strengthtraining: 'strength',
  coretraining: 'strength',
  swimming: 'cross_training',
  rowing: 'cross_training',
  elliptical: 'cross_training',
  stairclimbing: 'cross_training',
  stairs: 'cross_training',
  steptraining: 'cross_training',
  highintensityintervaltraining: 'cross_training',
  mixedcardio: 'cross_training',
  crosstraining: 'cross_training',
  crosscountryskiing: 'cross_training',
  paddlesports: 'cross_training',
  skatingsports: 'cross_training',
  jumprope: 'cross_training',
  climbing: 'cross_training',
  kickboxing: 'cross_training',
  boxing: 'cross_training',
  martialarts: 'cross_training',
  wheelchairrunpace: 'cross_training',
  soccer: 'cross_training',
  basketball: 'cross_training',
  tennis: 'cross_training',
  badminton: 'cross_training',
  squash: 'cross_training',
  tabletennis: 'cross_training',
  pickleball: 'cross_training',
  racquetball: 'cross_training',
  volleyball: 'cross_training',
  handball: 'cross_training',
  hockey: 'cross_training',
  rugby: 'cross_training',
  cardiodance: 'cross_training',
};

export function appleActivityType(activityType: string, indoor: boolean): ActivityType {
  const key = activityType
    .replace(/^HKWorkoutActivityType/i, '')
    .replace(/[^a-z]/gi, '')
    .toLowerCase();
  const type = (Object.hasOwn(appleTypes, key) ? appleTypes[key] : undefined) ?? 'other';
  // HealthKit has no treadmill type: an indoor run (HKMetadataKeyIndoorWorkout) is one.
  return indoor && type === 'run' ? 'treadmill' : type;
}
