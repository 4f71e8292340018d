import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryWhileBusy } from '../../src/storage/retry-busy.js';

const busy = (code: string) => Object.assign(new Error('database is locked'), { code });

test('when SQLite answers SQLITE_BUSY at once a few times, then the work is tried again until it succeeds', async () => {
  let calls = 0;
  const result = await retryWhileBusy(async () => {
    calls += 1;
    if (calls < 3) throw busy(calls === 1 ? 'SQLITE_BUSY' : 'SQLITE_BUSY_RECOVERY');
    return 'done';
  });
  assert.equal(result, 'done');
  assert.equal(calls, 3);
});

test('when the error is another one, or busy lasts past the limit, then it reaches the caller', async () => {
  let calls = 0;
  await assert.rejects(
    retryWhileBusy(async () => {
      calls += 1;
      throw Object.assign(new Error('no such table'), { code: 'SQLITE_ERROR' });
    }),
    /no such table/,
  );
  assert.equal(calls, 1);
  await assert.rejects(
    retryWhileBusy(async () => {
      throw busy('SQLITE_BUSY');
    }, 50),
    /database is locked/,
  );
});
