import { Type } from 'typebox';
import type { JoinerInput } from '../../domain/meeting-rooms.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';

const strict = { additionalProperties: false } as const;
const text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** Who joins; `user` is a user of the meeting's tenant by object id or UPN. */
export const joinerBody = Type.Union([
  Type.Object({ kind: Type.Literal('user'), user: text(256), rejoinAs: Type.Optional(text(64)) }, strict),
  Type.Object(
    {
      kind: Type.Literal('federated'),
      tenantId: text(64),
      userId: text(64),
      displayName: Type.Optional(text(256)),
      email: Type.Optional(Type.Union([text(256), Type.Null()])),
      rejoinAs: Type.Optional(text(64)),
    },
    strict,
  ),
  Type.Object(
    { kind: Type.Literal('guest'), displayName: text(256), email: text(256), rejoinAs: Type.Optional(text(64)) },
    strict,
  ),
  Type.Object(
    { kind: Type.Literal('anonymous'), displayName: Type.Optional(text(256)), rejoinAs: Type.Optional(text(64)) },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('phone'),
      phoneNumber: Type.String({ pattern: '^\\+?[0-9][0-9 ()-]{3,30}$' }),
      rejoinAs: Type.Optional(text(64)),
    },
    strict,
  ),
]);

const roomParams = Type.Object({ tenantId: Type.String(), meetingId: Type.String() });
const participantParams = Type.Object({
  tenantId: Type.String(),
  meetingId: Type.String(),
  participantId: Type.String(),
});
const byBody = Type.Union([Type.Object({ by: Type.Optional(text(64)) }, strict), Type.Null()]);

const participant = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  kind: Type.String(),
  role: Type.String(),
  state: Type.String(),
});
const roomView = Type.Object({
  meetingId: Type.String(),
  session: Type.Union([Type.Object({ id: Type.String(), startedDateTime: Type.String() }), Type.Null()]),
  participants: Type.Array(participant),
});
/** A change: the room after it, the participant it was about, and the report when it ended a session. */
const changed = Type.Object({
  room: roomView,
  participant: Type.Optional(participant),
  attendanceReportId: Type.Optional(Type.String()),
});
const answers = { response: { 200: changed, 201: changed, ...errorResponses } };

/**
 * Make a meeting happen without a browser: join as any kind of person, admit or deny from the lobby, leave, end. The
 * join page uses the same use cases, so both follow the meeting's lobby and presenter settings alike. `by` names the
 * participant who admits or ends (their role must allow it); without it, the administrator does.
 */
export function registerMeetingRoomRoutes(app: GraphApp, { rooms }: AdminDeps): void {
  const base = '/tenants/:tenantId/meetings/:meetingId/room';
  const answer = (r: Awaited<ReturnType<typeof rooms.leave>>) => ({
    room: rooms.view(r.room),
    ...(r.participant ? { participant: rooms.view({ ...r.room, participants: [r.participant] }).participants[0] } : {}),
    ...(r.report ? { attendanceReportId: r.report.id } : {}),
  });

  app.get(base, { schema: { params: roomParams, response: { 200: roomView, ...errorResponses } } }, async (request) => {
    const meeting = await rooms.meeting(request.params.tenantId, request.params.meetingId);
    return rooms.view(await rooms.room(meeting));
  });

  app.post(
    `${base}/participants`,
    { schema: { params: roomParams, body: joinerBody, ...answers } },
    async (request, reply) => {
      const meeting = await rooms.meeting(request.params.tenantId, request.params.meetingId);
      const { rejoinAs, ...joiner } = request.body;
      return reply.code(201).send(answer(await rooms.join(meeting, joiner as JoinerInput, rejoinAs)));
    },
  );

  for (const action of ['admit', 'deny'] as const) {
    app.post(
      `${base}/participants/:participantId/${action}`,
      { schema: { params: participantParams, body: byBody, ...answers } },
      async (request) => {
        const meeting = await rooms.meeting(request.params.tenantId, request.params.meetingId);
        return answer(await rooms[action](meeting, request.params.participantId, request.body?.by));
      },
    );
  }

  app.delete(
    `${base}/participants/:participantId`,
    { schema: { params: participantParams, ...answers } },
    async (request) => {
      const meeting = await rooms.meeting(request.params.tenantId, request.params.meetingId);
      return answer(await rooms.leave(meeting, request.params.participantId));
    },
  );

  app.post(`${base}/end`, { schema: { params: roomParams, body: byBody, ...answers } }, async (request) => {
    const meeting = await rooms.meeting(request.params.tenantId, request.params.meetingId);
    return answer(await rooms.end(meeting, request.body?.by));
  });
}
