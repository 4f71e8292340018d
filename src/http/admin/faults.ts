import { Type } from 'typebox';
import { faultRuleInput } from '../../domain/fault-rules.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { collection, faultRule, noContent } from './schemas.js';

const ruleParams = Type.Object({ ruleId: Type.String() });

/**
 * Fault rules (domain/fault-rules.ts): add one, list those in force, read or remove one, remove them all (or a
 * tenant's). They apply to the requests apps make, never to these admin routes.
 */
export function registerFaultRoutes(app: GraphApp, { faults }: AdminDeps): void {
  app.get('/faults', { schema: { response: { 200: collection(faultRule), ...errorResponses } } }, async () => ({
    value: await faults.list(),
  }));

  app.post(
    '/faults',
    { schema: { body: faultRuleInput, response: { 201: faultRule, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await faults.add(request.body)),
  );

  app.get(
    '/faults/:ruleId',
    { schema: { params: ruleParams, response: { 200: faultRule, ...errorResponses } } },
    (request) => faults.get(request.params.ruleId),
  );

  app.delete('/faults/:ruleId', { schema: { params: ruleParams, response: noContent } }, async (request, reply) => {
    await faults.remove(request.params.ruleId);
    return reply.code(204).send(null);
  });

  app.delete(
    '/faults',
    {
      schema: {
        querystring: Type.Object({ tenantId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ removed: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => ({ removed: await faults.clear(request.query.tenantId?.toLowerCase()) }),
  );
}
