/**
 * The default AWS credentials of every SDK client in sundial's Lambda bundles. `infra/handler-bundles.ts` resolves
 * `@aws-sdk/credential-provider-node` (the SDK's default chain) to this module, so the chain's other links never enter a
 * bundle: profiles and `~/.aws` files, SSO and its token providers, `credential_process`, web identity, EC2 instance
 * metadata, and the STS / SSO / SSO-OIDC / sign-in clients they bring (126 KB of the sweeper's 453 KB).
 *
 * A Lambda function has one identity, its execution role, and Lambda hands it over in one of two ways: as
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` in the environment (what the default chain finds
 * first), or, for execution environments that outlive their credentials (SnapStart, for one), through the container
 * credentials endpoint named by `AWS_CONTAINER_CREDENTIALS_FULL_URI` (the default chain's remote link). This provider
 * tries exactly those two, in the default chain's order.
 *
 * It applies to every client in the bundle, the consumer's task code's own clients included: correct in Lambda, where
 * the role is the only identity there is. What changes for such a client: `AWS_PROFILE` set on the function no longer
 * selects a profile from a config file shipped with the code, and nothing falls back to instance metadata. A client
 * that needs another identity passes `credentials` explicitly (`fromTemporaryCredentials`, …), as it would anyway.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { doesIdentityRequireRefresh, isIdentityExpired } from '@smithy/core';
import { chain, memoize } from '@smithy/core/config';

/** What the SDK's clients pass to their `credentialDefaultProvider` (the options the default chain reads, and more). */
type DefaultProviderInit = Parameters<typeof fromEnv>[0] & Parameters<typeof fromHttp>[0];
/** A credentials provider, as the SDK's clients call it. */
type CredentialsProvider = ReturnType<typeof fromEnv>;

/**
 * The `defaultProvider` SDK clients call when given no `credentials`: the environment's keys, else the container
 * credentials endpoint. Memoized like the default chain: clients rely on it to call the endpoint only when the last
 * credentials are about to expire (environment credentials carry no expiry and are read once).
 *
 * @example
 * ```ts
 * // Never called directly: in a bundle, `new DynamoDBClient({})` uses it.
 * const credentials = await defaultProvider({})();
 * ```
 */
export const defaultProvider = (init: DefaultProviderInit = {}): CredentialsProvider =>
  // `fromHttp` throws as it is made when no endpoint is configured (the usual case: keys in the environment), so the
  // link makes it only when the environment had none.
  memoize(chain(fromEnv(init), async () => await fromHttp(init)()), isIdentityExpired, doesIdentityRequireRefresh);
