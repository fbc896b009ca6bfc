// Stands in for `@aws-sdk/credential-provider-node` inside Lambda bundles only (lib/aws/bundling.ts aliases
// it): the SDK clients' default credential chain tries the environment first, and in Lambda the environment
// always holds the execution role's credentials, so the rest of the chain (SSO, STS web identity, INI files,
// container and instance metadata, login: ~95 KB of every bundle with an SDK client) never runs there.
// Tests and the local runtime import the SDK unbundled and keep the full chain.
import { credentialsFromEnv } from '#shared/sigv4';

export const defaultProvider = (_init?: unknown) => async () => credentialsFromEnv();
