import { Type } from 'typebox';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';

const keepOrDrop = Type.Optional(Type.Union([Type.Literal('keep'), Type.Literal('drop')]));

/**
 * POST /_graphmeet/reset: forget the meetings (and what happened in them, and the throttling counts) of every tenant or
 * of one, keeping the directory unless `directory: "drop"`, and the fault rules unless `faults: "drop"`. One
 * transaction, so every node sees all of it at once. Keys, secrets and the clock stay.
 */
export function registerResetRoute(app: GraphApp, { meetingAdmin, faults, throttling }: AdminDeps): void {
  app.post(
    '/reset',
    {
      schema: {
        body: Type.Optional(
          Type.Object(
            { tenantId: Type.Optional(Type.String()), directory: keepOrDrop, faults: keepOrDrop },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: Type.Object({
            removed: Type.Object({
              meetings: Type.Integer(),
              tenants: Type.Integer(),
              users: Type.Integer(),
              applications: Type.Integer(),
              faultRules: Type.Integer(),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const removed = await meetingAdmin.reset(request.body ?? {});
      await Promise.all([faults.refresh(), throttling.refresh()]);
      return { removed };
    },
  );
}
