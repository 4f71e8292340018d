import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { servedRoutes } from '../../src/http/openapi.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

interface Operation {
  tags: string[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
}
interface OpenApiDocument {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string; description?: string }> };
}

let t: TestApp;
let doc: OpenApiDocument;
before(async () => {
  t = await startTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  doc = res.json();
});
after(() => t.close());

const operation = (path: string, method: string) => {
  const op = doc.paths[path]?.[method];
  assert.ok(op, `${method.toUpperCase()} ${path} is in the document`);
  return op;
};

describe('the OpenAPI document', () => {
  test('when it is fetched without a token, then it is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
  });

  test('every route the server serves is in it, with its method', () => {
    const routes = servedRoutes(t.app as unknown as FastifyInstance).filter((r) => r.method !== 'HEAD');
    assert.ok(routes.length > 30, `${routes.length} routes`);
    for (const { method, url } of routes) {
      const path = url.replace(/:([A-Za-z]+)/g, '{$1}');
      operation(path, method.toLowerCase());
    }
  });

  test('the Graph operations of both versions carry the bearer token scheme, their body schema and Graph’s error envelope', () => {
    assert.deepEqual(doc.components.securitySchemes.graphToken, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: doc.components.securitySchemes.graphToken?.description,
    });
    for (const version of ['v1.0', 'beta']) {
      const create = operation(`/${version}/users/{userId}/onlineMeetings`, 'post');
      assert.deepEqual(create.security, [{ graphToken: [] }]);
      const body = create.requestBody?.content['application/json']?.schema.properties ?? {};
      for (const name of ['subject', 'startDateTime', 'participants', 'lobbyBypassSettings'])
        assert.ok(name in body, name);
      assert.ok('joinWebUrl' in (create.responses['201']?.content?.['application/json']?.schema.properties ?? {}));
      const envelope = create.responses['4XX']?.content?.['application/json']?.schema.properties ?? {};
      assert.ok('error' in envelope, 'the 4XX answer is the error envelope');
      operation(`/${version}/me/onlineMeetings/createOrGet`, 'post');
      operation(`/${version}/me/onlineMeetings/{meetingId}`, 'patch');
      operation(`/${version}/me/onlineMeetings/{meetingId}`, 'delete');
    }
    // beta has a property v1.0 does not.
    const betaBody = operation('/beta/me/onlineMeetings', 'post').requestBody?.content['application/json']?.schema;
    const v1Body = operation('/v1.0/me/onlineMeetings', 'post').requestBody?.content['application/json']?.schema;
    assert.notDeepEqual(Object.keys(betaBody?.properties ?? {}), Object.keys(v1Body?.properties ?? {}));
    assert.deepEqual(operation('/_graphmeet/tenants', 'get').security, [{ adminKey: [] }]);
    assert.equal(operation('/_graphmeet/health', 'get').security, undefined);
  });

  test('when a meeting is created, then the answer has only properties the document lists for it', async () => {
    const user = newUser();
    await t.addUser(user);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1.0/me/onlineMeetings',
      headers: { authorization: `Bearer ${await t.userToken(user)}`, 'content-type': 'application/json' },
      payload: { subject: 'described' },
    });
    assert.equal(res.statusCode, 201);
    const listed = operation('/v1.0/me/onlineMeetings', 'post').responses['201']?.content?.['application/json']?.schema
      .properties;
    for (const name of Object.keys(res.json())) assert.ok(listed && name in listed, `${name} is documented`);
  });
});
