import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StandardSchemaV1 as SpecSchema } from '@standard-schema/spec';
import { validateFeature } from '../../src/core/validator.ts';
import type { AuthSocketError } from '../../src/errors/AuthSocketError.ts';
import type { StandardSchemaV1 } from '../../src/types.ts';

type Msg = { n: number };

/** A Standard Schema validator that accepts `{ n: number }`, optionally after `delay(n)` ms. */
function schema(delay?: (n: number) => number): SpecSchema<unknown, Msg> {
  const check = (value: unknown) =>
    typeof (value as Msg)?.n === 'number'
      ? { value: value as Msg }
      : { issues: [{ message: 'n must be a number' }] };
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => {
        if (!delay) return check(value);
        return new Promise((resolve) => setTimeout(() => resolve(check(value)), delay((value as Msg).n ?? 0)));
      },
    },
  };
}

function collect(validator: StandardSchemaV1<unknown, Msg> | undefined) {
  const delivered: Msg[] = [];
  const errors: AuthSocketError[] = [];
  const inbox = validateFeature(validator)((msg) => delivered.push(msg), (error) => errors.push(error));
  return { inbox, delivered, errors };
}

test('without a schema every message is delivered as is', () => {
  const { inbox, delivered } = collect(undefined);
  inbox.push({ n: 1 });
  assert.deepEqual(delivered, [{ n: 1 }]);
});

test('a synchronous schema delivers valid messages and reports invalid ones as VALIDATION_FAILED', () => {
  const { inbox, delivered, errors } = collect(schema());
  inbox.push({ n: 1 });
  inbox.push({ n: 'x' } as unknown as Msg);
  inbox.push({ n: 2 });
  assert.deepEqual(delivered, [{ n: 1 }, { n: 2 }]);
  assert.deepEqual(errors.map((e) => [e.code, /n must be a number/.test(e.message)]), [['VALIDATION_FAILED', true]]);
});

test('an asynchronous schema that answers out of order still delivers in arrival order', async () => {
  // The first message takes longest to validate.
  const { inbox, delivered } = collect(schema((n) => 30 - n * 10));
  for (const n of [0, 1, 2]) inbox.push({ n });
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.deepEqual(delivered.map((m) => m.n), [0, 1, 2]);
});

test('a throwing validator is a VALIDATION_FAILED error, not a crash', () => {
  const { inbox, delivered, errors } = collect({
    '~standard': { version: 1, vendor: 'test', validate: () => { throw new Error('boom'); } },
  });
  inbox.push({ n: 1 });
  assert.deepEqual(delivered, []);
  assert.equal(errors[0]?.code, 'VALIDATION_FAILED');
});
