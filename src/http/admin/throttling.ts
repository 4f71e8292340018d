import { tenantIdOf } from '../../domain/directory-records.js';
import { throttleSettingInput } from '../../domain/throttling.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { tenantParams, throttleLimits } from './schemas.js';

/**
 * Throttling per tenant (domain/throttling.ts): read the limits in force, turn Graph's limits on or off for one
 * tenant and change them, or give the tenant back the server's setting (--throttle).
 */
export function registerThrottlingRoutes(app: GraphApp, { throttling }: AdminDeps): void {
  const answer = async (tenantId: string) => throttling.limitsFor(tenantId);

  app.get(
    '/tenants/:tenantId/throttling',
    { schema: { params: tenantParams, response: { 200: throttleLimits, ...errorResponses } } },
    (request) => answer(tenantIdOf(request.params.tenantId)),
  );

  app.put(
    '/tenants/:tenantId/throttling',
    {
      schema: {
        params: tenantParams,
        body: throttleSettingInput,
        response: { 200: throttleLimits, ...errorResponses },
      },
    },
    async (request) => {
      const tenantId = tenantIdOf(request.params.tenantId);
      await throttling.setFor(tenantId, request.body);
      return answer(tenantId);
    },
  );

  app.delete(
    '/tenants/:tenantId/throttling',
    { schema: { params: tenantParams, response: { 200: throttleLimits, ...errorResponses } } },
    async (request) => {
      const tenantId = tenantIdOf(request.params.tenantId);
      await throttling.setFor(tenantId, null);
      return answer(tenantId);
    },
  );
}
