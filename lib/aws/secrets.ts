// Secrets the handlers read at cold start. Values generated here are placeholders so a fresh stack
// deploys; real vendor credentials are put in afterwards (`aws secretsmanager put-secret-value`),
// never committed.
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface AppSecretsProps {
  key: kms.IKey;
}

export class AppSecrets extends Construct {
  /**
   * `{ "signingKey": "<random seed>", "previousSigningKeys"?: ["<older seed>"] }`: each seed becomes an ES256
   * key (shared/auth/keys.ts), so CloudFormation's random string is a working key with no custom resource.
   * Rotate by moving the current seed to previousSigningKeys and putting a new one in signingKey.
   */
  public readonly jwtKeys: secretsmanager.Secret;
  /** `{ stravaClientId, stravaClientSecret, stravaVerifyToken, stravaSubscriptionId?, garminConsumerKey }`. */
  public readonly vendorCredentials: secretsmanager.Secret;
  /** `{ "key": "<random>" }`: the vendor-token encryption key (AES-256-GCM) is derived from it. */
  public readonly vendorTokenKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    const encryptionKey = props.key;

    this.jwtKeys = new secretsmanager.Secret(this, 'JwtKeys', {
      description: 'RunningCoach: keys that sign and verify user access tokens',
      encryptionKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'signingKey',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });

    this.vendorCredentials = new secretsmanager.Secret(this, 'VendorCredentials', {
      description: 'RunningCoach: Strava and Garmin API credentials (placeholders until set by an operator)',
      encryptionKey,
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

    // Its own secret because a generated secret holds one random value, and this one must be random from
    // the first deploy: vendor tokens are sealed with it (shared/vendors/crypto.ts). Rotating it orphans
    // the sealed tokens (users reconnect), so it is not rotated automatically.
    this.vendorTokenKey = new secretsmanager.Secret(this, 'VendorTokenKey', {
      description: 'RunningCoach: key material that seals vendor OAuth tokens at rest',
      encryptionKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'key',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });

    const notRotated: Array<[secretsmanager.Secret, string]> = [
      [
        this.jwtKeys,
        'Rotation needs an overlap (the new seed signs, the previous one still verifies for 15 minutes), done by an operator as README describes; a single-step rotation would log every user out',
      ],
      [this.vendorCredentials, 'Holds credentials issued by Strava and Garmin; they change when the vendor reissues them, not on our schedule'],
      [this.vendorTokenKey, 'Vendor OAuth tokens are sealed with it: rotating it would orphan every sealed token (users would reconnect)'],
    ];
    for (const [secret, reason] of notRotated) {
      acknowledge(secret, { 'AwsSolutions-SMG4': reason, 'HIPAA.Security-SecretsManagerRotationEnabled': reason });
    }
  }
}
