import { type AuthSocketError, fail } from '../errors/AuthSocketError.ts';
import type { StandardSchemaResult, StandardSchemaV1 } from '../types.ts';
import { featureValue } from './features.ts';

/** Where validated messages go, in arrival order. */
export interface OrderedValidator<In> {
  push(msg: In): void;
}

/** What `validate` becomes: given where messages go and where errors go, the inbox. */
export type ValidateFeature = (deliver: (msg: any) => void, report: (error: AuthSocketError) => void) => OrderedValidator<any>;

/**
 * `validate` as a value (src/core/features.ts): runs incoming messages
 * through a Standard Schema validator and hands on the valid ones in arrival
 * order, even when validation is asynchronous; invalid ones become
 * `VALIDATION_FAILED` errors. Without a schema (`validate: null`), every
 * message is handed on as is.
 * @example
 * ```ts
 * new AuthSocket(url, { auth, validate: validate(z.object({ type: z.string() })) }); // authsocket/lite
 * ```
 */
export const validateFeature = <In = unknown>(schema: StandardSchemaV1<unknown, In> | null | undefined): ValidateFeature => featureValue((
  deliver: (msg: any) => void,
  report: (error: AuthSocketError) => void,
): OrderedValidator<any> => {
  /** The tail of the deliveries waiting for an asynchronous validation. */
  let pending: Promise<void> | undefined;
  const settle = (result: StandardSchemaResult<any>): void => {
    if (!result.issues) return deliver(result.value);
    report(fail('VALIDATION_FAILED', process.env.NODE_ENV !== 'production' ? `message skipped: ${result.issues.map((issue) => issue.message).join('; ')}` : 'validate'));
  };
  return {
    push(msg) {
      if (!schema) return deliver(msg);
      let result: ReturnType<StandardSchemaV1<unknown, any>['~standard']['validate']>;
      try {
        result = schema['~standard'].validate(msg);
      } catch (cause) {
        return report(fail('VALIDATION_FAILED', process.env.NODE_ENV !== 'production' ? 'validator threw (see cause); message skipped' : 'validate', cause));
      }
      if (!pending && typeof (result as { then?: unknown } | null)?.then !== 'function') return settle(result as StandardSchemaResult<any>);
      const delivery: Promise<void> = (pending ?? Promise.resolve())
        .then(() => result)
        .then(settle, (cause) => report(fail('VALIDATION_FAILED', process.env.NODE_ENV !== 'production' ? 'validator rejected (see cause); message skipped' : 'validate', cause)))
        .finally(() => {
          if (pending === delivery) pending = undefined;
        });
      pending = delivery;
    },
  };
});
