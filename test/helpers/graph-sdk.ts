import {
  type AccessTokenProvider,
  AllowedHostsValidator,
  BaseBearerTokenAuthenticationProvider,
} from '@microsoft/kiota-abstractions';
import { createGraphServiceClient, GraphRequestAdapter, type GraphServiceClient } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';

/**
 * @microsoft/msgraph-sdk exactly as the README tells users to build it, with its default middleware (retry included):
 * only the base URL and the token differ from a client of the real service.
 */
export function kiotaClient(server: string, token: string): GraphServiceClient {
  const tokens: AccessTokenProvider = {
    getAuthorizationToken: async () => token,
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set([new URL(server).hostname])),
  };
  const adapter = new GraphRequestAdapter(new BaseBearerTokenAuthenticationProvider(tokens));
  adapter.baseUrl = `${server}/v1.0`;
  return createGraphServiceClient(adapter);
}
