import { escapeMarkup } from '../common/text.js';
import { observedProperties, responsePropertiesOf } from './online-meeting.js';
import { type ApiVersion, enumMembers } from './types.js';

/**
 * The OData CSDL ($metadata) of what graphmeet serves: onlineMeeting and every type its answers reach, written from
 * the same response schemas that serialize the answers, so the two cannot disagree. The entity container has what
 * the `@odata.context` links name: `users`, `me`, and `communications` (whose onlineMeetings the
 * VideoTeleconferenceId lookup reads), and the createOrGet action.
 */

/** A JSON schema as TypeBox builds it, read for what CSDL needs. */
interface JsonSchema {
  title?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
}

/** Properties whose strings are instants: the response schemas type them as strings. */
const dateTimeProperties = new Set(['creationDateTime', 'startDateTime', 'endDateTime', 'expiryDateTime']);

/** Types Graph declares open (an answer may carry properties beyond the declared ones). */
const openTypes = new Set(['onlineMeeting', 'identitySet', 'identity']);

interface Types {
  complex: Map<string, string[]>;
  enums: Map<string, string[]>;
}

const typeName = (title: string) => title.replace(/^microsoft\.graph\./, '');

/** The Edm type of a schema, declaring the complex and enum types it reaches on the way. */
function edmType(name: string, schema: JsonSchema, types: Types, version: ApiVersion): string {
  const kinds = Array.isArray(schema.type) ? schema.type : [schema.type];
  const members = schema.title ? enumMembers.get(schema.title) : undefined;
  if (schema.enum && schema.title && members) {
    // All members, unknownFutureValue in its place: a request schema leaves out what clients may not send.
    types.enums.set(typeName(schema.title), [...members[version]]);
    return `graph.${typeName(schema.title)}`;
  }
  if (kinds.includes('array') && schema.items) return `Collection(${edmType(name, schema.items, types, version)})`;
  if (kinds.includes('object') && schema.properties) {
    const complexName = typeName(schema.title ?? name);
    if (!types.complex.has(complexName)) {
      types.complex.set(complexName, []);
      types.complex.set(complexName, propertiesOf(schema.properties, types, version));
    }
    return `graph.${complexName}`;
  }
  if (kinds.includes('boolean')) return 'Edm.Boolean';
  if (kinds.includes('string')) return dateTimeProperties.has(name) ? 'Edm.DateTimeOffset' : 'Edm.String';
  return 'Edm.String';
}

function propertiesOf(
  properties: Record<string, JsonSchema>,
  types: Types,
  version: ApiVersion,
  entity?: { skip: readonly string[] },
): string[] {
  return Object.entries(properties)
    .filter(([name]) => !name.startsWith('@') && !entity?.skip.includes(name))
    .map(([name, schema]) => {
      const key = entity && name === 'id' ? ' Nullable="false"' : '';
      return `<Property Name="${escapeMarkup(name)}" Type="${edmType(name, schema, types, version)}"${key}/>`;
    });
}

function open(name: string): string {
  return openTypes.has(name) ? ' OpenType="true"' : '';
}

/** The CSDL document of one version, as XML. */
export function csdlDocument(version: ApiVersion): string {
  const types: Types = { complex: new Map(), enums: new Map() };
  const meeting = propertiesOf(responsePropertiesOf[version] as unknown as Record<string, JsonSchema>, types, version, {
    skip: observedProperties,
  });
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:DataServices>',
    '<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    `<EntityType Name="onlineMeeting"${open('onlineMeeting')}><Key><PropertyRef Name="id"/></Key>`,
    ...meeting,
    '</EntityType>',
    '<EntityType Name="user"><Key><PropertyRef Name="id"/></Key>',
    '<Property Name="id" Type="Edm.String" Nullable="false"/>',
    '<NavigationProperty Name="onlineMeetings" Type="Collection(graph.onlineMeeting)" ContainsTarget="true"/>',
    '</EntityType>',
    '<EntityType Name="cloudCommunications"><Key><PropertyRef Name="id"/></Key>',
    '<Property Name="id" Type="Edm.String" Nullable="false"/>',
    '<NavigationProperty Name="onlineMeetings" Type="Collection(graph.onlineMeeting)" ContainsTarget="true"/>',
    '</EntityType>',
    ...[...types.complex].map(
      ([name, properties]) => `<ComplexType Name="${name}"${open(name)}>${properties.join('')}</ComplexType>`,
    ),
    ...[...types.enums].map(
      ([name, members]) =>
        `<EnumType Name="${name}">${members.map((m, i) => `<Member Name="${escapeMarkup(m)}" Value="${i}"/>`).join('')}</EnumType>`,
    ),
    '<Action Name="createOrGet" IsBound="true">',
    '<Parameter Name="bindingParameter" Type="Collection(graph.onlineMeeting)"/>',
    '<Parameter Name="chatInfo" Type="graph.chatInfo"/>',
    '<Parameter Name="endDateTime" Type="Edm.DateTimeOffset"/>',
    '<Parameter Name="externalId" Type="Edm.String" Nullable="false"/>',
    '<Parameter Name="participants" Type="graph.meetingParticipants"/>',
    '<Parameter Name="startDateTime" Type="Edm.DateTimeOffset"/>',
    '<Parameter Name="subject" Type="Edm.String"/>',
    '<ReturnType Type="graph.onlineMeeting"/>',
    '</Action>',
    '<EntityContainer Name="GraphService">',
    '<EntitySet Name="users" EntityType="graph.user"/>',
    '<Singleton Name="me" Type="graph.user"/>',
    '<Singleton Name="communications" Type="graph.cloudCommunications"/>',
    '</EntityContainer>',
    '</Schema>',
    '</edmx:DataServices>',
    '</edmx:Edmx>',
  ];
  return `${lines.join('\n')}\n`;
}
