import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './index.js';
import { adminErrors, collection, tenant, tenantBody, tenantParams } from './schemas.js';

export function registerTenantRoutes(app: GraphApp, { admin }: AdminDeps): void {
  app.get('/tenants', { schema: { response: { 200: collection(tenant), ...adminErrors } } }, async () => ({
    value: await admin.listTenants(),
  }));

  app.get(
    '/tenants/:tenantId',
    { schema: { params: tenantParams, response: { 200: tenant, ...adminErrors } } },
    (request) => admin.getTenant(request.params.tenantId),
  );

  app.put(
    '/tenants/:tenantId',
    { schema: { params: tenantParams, body: tenantBody, response: { 200: tenant, ...adminErrors } } },
    (request) => admin.putTenant(request.params.tenantId, request.body.displayName),
  );
}
