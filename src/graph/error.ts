import { Type } from 'typebox';

/** Graph's error envelope (spec §4.1). `date` has no fraction and no zone, as in real responses. */
export const errorEnvelope = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    innerError: Type.Object({
      date: Type.String(),
      'request-id': Type.String(),
      'client-request-id': Type.String(),
    }),
  }),
});
