import { AuthSocketError, fail } from '../errors/AuthSocketError.ts';
import type { StandardSchemaResult, StandardSchemaV1 } from '../types.ts';

const isPromiseLike = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Runs incoming messages through an optional Standard Schema validator and
 * hands on the valid ones in arrival order, even when validation is
 * asynchronous; invalid ones become `VALIDATION_FAILED` errors.
 */
export class OrderedValidator<In> {
  /** The tail of the deliveries waiting for an asynchronous validation. */
  #pending: Promise<void> | undefined;

  readonly #schema: StandardSchemaV1<unknown, In> | undefined;
  readonly #deliver: (msg: In) => void;
  readonly #report: (error: AuthSocketError) => void;

  constructor(schema: StandardSchemaV1<unknown, In> | undefined, deliver: (msg: In) => void, report: (error: AuthSocketError) => void) {
    this.#schema = schema;
    this.#deliver = deliver;
    this.#report = report;
  }

  push(msg: In): void {
    if (!this.#schema) return this.#deliver(msg);
    let result: ReturnType<StandardSchemaV1<unknown, In>['~standard']['validate']>;
    try {
      result = this.#schema['~standard'].validate(msg);
    } catch (cause) {
      return this.#report(fail('VALIDATION_FAILED', 'validator threw (see cause); message skipped', cause));
    }
    if (!this.#pending && !isPromiseLike(result)) return this.#settle(result);
    const delivery: Promise<void> = (this.#pending ?? Promise.resolve())
      .then(() => result)
      .then(
        (settled) => this.#settle(settled),
        (cause) => this.#report(fail('VALIDATION_FAILED', 'validator rejected (see cause); message skipped', cause)),
      )
      .finally(() => {
        if (this.#pending === delivery) this.#pending = undefined;
      });
    this.#pending = delivery;
  }

  #settle(result: StandardSchemaResult<In>): void {
    if (!result.issues) return this.#deliver(result.value);
    const detail = result.issues.map((issue) => issue.message).join('; ');
    this.#report(fail('VALIDATION_FAILED', `message skipped: ${detail}`));
  }
}

/** Validation as a feature the core plugs in (src/core/features.ts). */
export const validateFeature = (schema: StandardSchemaV1<unknown, any>) =>
  (deliver: (msg: any) => void, report: (error: AuthSocketError) => void): OrderedValidator<any> => new OrderedValidator(schema, deliver, report);
