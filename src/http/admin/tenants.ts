import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { collection, tenant, tenantBody, tenantParams } from './schemas.js';

export function registerTenantRoutes(app: GraphApp, { admin }: AdminDeps): void {
  app.get('/tenants', { schema: { response: { 200: collection(tenant), ...errorResponses } } }, async () => ({
    value: await admin.listTenants(),
  }));

  app.get(
    '/tenants/:tenantId',
    { schema: { params: tenantParams, response: { 200: tenant, ...errorResponses } } },
    (request) => admin.getTenant(request.params.tenantId),
  );

  app.put(
    '/tenants/:tenantId',
    { schema: { params: tenantParams, body: tenantBody, response: { 200: tenant, ...errorResponses } } },
    (request) => admin.putTenant(request.params.tenantId, request.body.displayName),
  );
}
