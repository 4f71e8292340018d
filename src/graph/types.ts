import { type Static, type TObject, type TProperties, Type } from 'typebox';

/**
 * Building blocks for Graph's wire types. Graph is strict: no coercion ("5" is not a number), nullable
 * properties accept an explicit null, and complex types reject properties they do not define. Every object
 * schema carries `title: microsoft.graph.<type>` so that a validation error can name the type, as Graph does.
 */

export const graphType = (name: string) => `microsoft.graph.${name}`;

export const nullableString = (options: { minLength?: number; maxLength?: number } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });

export const nullableBoolean = () => Type.Unsafe<boolean | null>({ type: ['boolean', 'null'] });

export const nullableStringArray = () =>
  Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string' } });

/** Checked by the `date-time-offset` format that the HTTP layer registers with the validator. */
export const dateTimeOffset = () =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time-offset' });

export const odataType = Type.Optional(Type.String({ pattern: '^#?microsoft\\.graph\\.[A-Za-z]+$' }));

/** The two Graph versions graphmeet serves; one schema table describes both. */
export type ApiVersion = 'v1.0' | 'beta';
export const apiVersions: readonly ApiVersion[] = ['v1.0', 'beta'];

/** Every enum's members in each version's order, by type name: what the CSDL document declares. */
export const enumMembers = new Map<string, Record<ApiVersion, readonly string[]>>();

/**
 * An enum of Graph. Members listed after `unknownFutureValue` are "evolvable": Graph only returns them to
 * clients that send `Prefer: include-unknown-enum-members`. A version may order the members differently
 * (beta's onlineMeetingRole has `producer` before `unknownFutureValue`), which changes what is evolvable
 * there. Clients may not send `unknownFutureValue` itself.
 */
export function graphEnum<const M extends readonly string[]>(
  name: string,
  members: M,
  betaOrder: readonly M[number][] = members,
) {
  type Member = M[number];
  enumMembers.set(graphType(name), { 'v1.0': members, beta: betaOrder });
  const settable = members.filter((m) => m !== 'unknownFutureValue');
  const after = (order: readonly Member[]) => order.slice(order.indexOf('unknownFutureValue') + 1);
  return {
    name: graphType(name),
    members,
    evolvable: { 'v1.0': after(members), beta: after(betaOrder) } as Record<ApiVersion, readonly Member[]>,
    request: Type.Unsafe<Exclude<Member, 'unknownFutureValue'> | null>({
      title: graphType(name),
      type: ['string', 'null'],
      enum: [...settable, null],
    }),
    response: Type.Unsafe<Member | null>({
      title: graphType(name),
      type: ['string', 'null'],
      enum: [...members, null],
    }),
  };
}

/** A complex type whose properties are all optional; the object itself may be null. */
export function complexType<P extends TProperties>(name: string, properties: P) {
  const object: TObject = Type.Partial(Type.Object({ ...properties, '@odata.type': Type.String() }), {
    additionalProperties: false,
    title: graphType(name),
  });
  return Type.Unsafe<({ [K in keyof P]?: Static<P[K]> } & { '@odata.type'?: string }) | null>({
    ...object,
    type: ['object', 'null'],
  });
}
