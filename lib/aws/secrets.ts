// Secrets the handlers read at cold start. Values generated here are placeholders so a fresh stack
// deploys; real vendor credentials are put in afterwards (`aws secretsmanager put-secret-value`),
// never committed.
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export class AppSecrets extends Construct {
  /** `{ "signingKey": "<random>" }`: signs and verifies user access tokens. */
  public readonly jwtKeys: secretsmanager.Secret;
  /** `{ stravaClientId, stravaClientSecret, stravaVerifyToken, garminConsumerKey }`. */
  public readonly vendorCredentials: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.jwtKeys = new secretsmanager.Secret(this, 'JwtKeys', {
      description: 'RunningCoach: keys that sign and verify user access tokens',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'signingKey',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });

    this.vendorCredentials = new secretsmanager.Secret(this, 'VendorCredentials', {
      description: 'RunningCoach: Strava and Garmin API credentials (placeholders until set by an operator)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          stravaClientId: 'placeholder',
          stravaClientSecret: 'placeholder',
          garminConsumerKey: 'placeholder',
        }),
        // The verify token is ours to choose (Strava echoes it on subscription), so a random one is final.
        generateStringKey: 'stravaVerifyToken',
        passwordLength: 32,
        excludePunctuation: true,
      },
    });
  }
}
