import type { Codec } from '../types.ts';

/** The default codec: JSON in text frames. A binary frame needs a custom codec. */
export const jsonCodec: Codec<any, any> = {
  encode: (msg) => JSON.stringify(msg),
  decode: (data) => {
    if (typeof data !== 'string') throw new TypeError('binary frame received; the default JSON codec reads text frames only (set options.codec)');
    return JSON.parse(data);
  },
};
