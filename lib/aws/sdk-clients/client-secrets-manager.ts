// What the functions use of @aws-sdk/client-secrets-manager (shared/secrets.ts), the layer's entry
// (lib/aws/sdk-layer.ts). A name a function imports that is missing here fails test/cdk/bundles.test.ts.
export { GetSecretValueCommand, SecretsManagerClient, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
