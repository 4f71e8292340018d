import { Type } from 'typebox';
import { parseClockMoment, parseDuration } from '../../domain/clock-control.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';

const strict = { additionalProperties: false } as const;
const clockState = Type.Object({
  dateTime: Type.String(),
  mode: Type.Union([Type.Literal('system'), Type.Literal('offset'), Type.Literal('frozen')]),
  offsetSeconds: Type.Integer(),
});
const answers = { response: { 200: clockState, ...errorResponses } };

/**
 * graphmeet's clock: read it, set it to a moment (time flows on from there, or stays with `frozen`), move it on by a
 * duration, or give it back the machine's time. Every rule that reads "now" (meeting times and expiry, tokens,
 * sessions, attendance) follows it, on every node of the server.
 */
export function registerClockRoutes(app: GraphApp, { clockControl }: AdminDeps): void {
  app.get('/clock', { schema: answers }, async () => {
    await clockControl.refresh();
    return clockControl.state();
  });

  app.put(
    '/clock',
    {
      schema: {
        body: Type.Object({ dateTime: Type.String(), frozen: Type.Optional(Type.Boolean()) }, strict),
        ...answers,
      },
    },
    (request) => clockControl.setTo(parseClockMoment(request.body.dateTime), request.body.frozen === true),
  );

  app.post('/clock/advance', { schema: { body: Type.Object({ by: Type.String() }, strict), ...answers } }, (request) =>
    clockControl.advance(parseDuration(request.body.by)),
  );

  app.delete('/clock', { schema: answers }, () => clockControl.set({ mode: 'system' }));
}
