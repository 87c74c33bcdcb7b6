import type { Codec } from '../types.ts';

/** The default codec: JSON in text frames. A binary frame needs a custom codec. */
export const jsonCodec: Codec<any, any> = {
  encode: (msg) => JSON.stringify(msg),
  decode: (data) => {
    if (typeof data !== 'string') throw new TypeError('binary frame: the default JSON codec reads text only; set options.codec');
    return JSON.parse(data);
  },
};

/** Whether a decoded message is an object whose `type` is `type` (the default auth and pong tests). */
export const hasType = (msg: unknown, type: string): boolean =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type;
