import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { settings } from '../../src/config/config.js';

test('every setting is documented in the README with its flag and env var', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  for (const s of Object.values(settings)) {
    assert.ok(readme.includes(`\`${s.flag}\``), `README lacks ${s.flag}`);
    assert.ok(readme.includes(`\`${s.env}\``), `README lacks ${s.env}`);
  }
});
