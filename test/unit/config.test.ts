import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { type ConfigError, loadConfig, settings } from '../../src/config/config.js';

test('when nothing is set, then every setting has its documented default', () => {
  const c = loadConfig({}, {});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 7878);
  assert.equal(c.https, false);
  assert.equal(c.publicUrl, undefined);
});

test('when no data dir is given, then it is the per-user data directory, wherever the command runs', () => {
  assert.equal(loadConfig({}, { HOME: '/home/ada' }).dataDir, '/home/ada/.local/share/graphmeet');
  assert.equal(loadConfig({}, { HOME: '/home/ada', XDG_DATA_HOME: '/srv/data' }).dataDir, '/srv/data/graphmeet');
  // The spec says a relative XDG_DATA_HOME is invalid and is ignored.
  assert.equal(
    loadConfig({}, { HOME: '/home/ada', XDG_DATA_HOME: 'data' }).dataDir,
    '/home/ada/.local/share/graphmeet',
  );
  assert.equal(loadConfig({}, { HOME: '/home/ada', GRAPHMEET_DATA_DIR: '/tmp/gm' }).dataDir, '/tmp/gm');
  assert.equal(loadConfig({ dataDir: 'rel' }, { HOME: '/home/ada' }).dataDir, path.resolve('rel'));
});

test('when a flag and its env var are both set, then the flag wins', () => {
  assert.equal(loadConfig({ port: '9000' }, { GRAPHMEET_PORT: '8000' }).port, 9000);
  assert.equal(loadConfig({}, { GRAPHMEET_PORT: '8000' }).port, 8000);
  assert.equal(loadConfig({}, { GRAPHMEET_HTTPS: 'true' }).https, true);
});

test('when a value is invalid, then the error names the flag or env var', () => {
  assert.throws(
    () => loadConfig({ port: '70000' }, {}),
    (e: ConfigError) => /--port/.test(e.message),
  );
  assert.throws(() => loadConfig({}, { GRAPHMEET_HTTPS: 'maybe' }), /GRAPHMEET_HTTPS/);
  assert.throws(() => loadConfig({ certFile: 'a.pem' }, {}), /--cert and --key/);
});

test('every setting has a flag, an env var named GRAPHMEET_* and a doc', () => {
  for (const s of Object.values(settings)) {
    assert.match(s.flag, /^--[a-z-]+/);
    assert.match(s.env, /^GRAPHMEET_[A-Z_]+$/);
    assert.ok(s.doc.length > 10);
  }
});
