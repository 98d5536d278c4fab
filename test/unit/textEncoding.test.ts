import { expect } from 'chai';
import { decodeBytes, decodeChunks, EncodingSniffer, encodingOf } from '../../server/domain/textEncoding.js';

const SWEDISH = 'participant_ref;point\nÅsa Öberg;start\n';
const cp1252 = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const bom = (bytes: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('textEncoding', () => {
  it('tells Windows-1252, UTF-8 with and without a BOM and UTF-16 from the bytes, and decodes them alike', () => {
    for (const [bytes, encoding] of [[cp1252(SWEDISH), 'windows-1252'], [utf8(SWEDISH), 'utf-8'], [bom(utf8(SWEDISH)), 'utf-8'], [utf16le(SWEDISH), 'utf-16le']] as const) {
      expect(encodingOf(bytes), encoding).to.equal(encoding);
      expect(decodeBytes(bytes), encoding).to.deep.equal({ text: SWEDISH, encoding });
    }
    // Windows-1252's own letters beyond Latin-1 (the euro sign, curly quotes) come right.
    expect(decodeBytes(Buffer.from([0x80, 0x20, 0x93, 0x61, 0x94])).text).to.equal('€ “a”');
  });

  it('decides on the whole file: a Windows-1252 letter after a long run of ASCII still makes it Windows-1252', () => {
    const sniffer = new EncodingSniffer();
    for (let i = 0; i < 1000; i++) sniffer.push(utf8('A1;start\n'));
    sniffer.push(cp1252('Åsa;start\n'));
    expect(sniffer.result()).to.equal('windows-1252');
    expect(encodingOf(utf8('x'.repeat(10) + 'å').subarray(0, 11)), 'cut inside a UTF-8 letter').to.equal('windows-1252');
  });

  it('joins a character split between two chunks, and finds a BOM split between chunks', () => {
    const bytes = bom(utf8(SWEDISH));
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    const sniffer = new EncodingSniffer();
    for (const c of chunks) sniffer.push(c);
    expect(sniffer.result()).to.equal('utf-8');
    expect([...decodeChunks(chunks, 'utf-8')].join('')).to.equal(SWEDISH);
  });

  it('reads an empty file as empty UTF-8', () => {
    expect(decodeBytes(new Uint8Array(0))).to.deep.equal({ text: '', encoding: 'utf-8' });
  });
});
