// node:test reporter: the built-in spec output, with a header naming each test
// file (and the engine, for browser runs) before that file's results.
import { relative } from 'node:path';
import { Transform } from 'node:stream';
import { spec as Spec } from 'node:test/reporters';

export default class FileSpec extends Transform {
  #spec = new Spec();
  #file;
  #engine = process.env.AUTHSOCKET_ENGINE ? ` [${process.env.AUTHSOCKET_ENGINE}]` : '';

  constructor() {
    super({ writableObjectMode: true });
    this.#spec.on('data', (chunk) => this.push(chunk));
  }

  _transform(event, _encoding, callback) {
    const file = event.data?.file;
    const reported = event.type === 'test:pass' || event.type === 'test:fail' || event.type === 'test:start';
    if (reported && file && file !== this.#file && event.data.nesting === 0) {
      this.#file = file;
      this.push(`\n━━ ${relative(process.cwd(), file)}${this.#engine}\n`);
    }
    this.#spec.write(event, callback);
  }

  _flush(callback) {
    this.#spec.once('end', callback);
    this.#spec.end();
  }
}
