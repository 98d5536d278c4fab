// Which character encoding a data file's bytes are in, told from the bytes alone, and the file
// decoded chunk by chunk. Excel on Swedish Windows saves "CSV (semikolonavgränsad)" in
// Windows-1252, "CSV UTF-8" as UTF-8 with a BOM, "Unicode-text" as UTF-16 (little-endian, with a
// BOM); other programs write UTF-8 without a BOM. Pure.

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * Told from the bytes as they pass, so a file is never held whole: a BOM decides; otherwise the
 * file is UTF-8 when every byte sequence is valid UTF-8 (a Windows-1252 "å" alone, 0xE5, never is),
 * and Windows-1252 when one is not. A file of plain ASCII reads the same either way.
 */
export class EncodingSniffer {
  /** The first three bytes, where a BOM is. */
  private start: Uint8Array = new Uint8Array(0);
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private validUtf8 = true;

  push(bytes: Uint8Array): void {
    if (this.start.length < 3) this.start = concat(this.start, bytes.subarray(0, 3 - this.start.length));
    if (!this.validUtf8) return;
    try {
      this.utf8.decode(bytes, { stream: true });
    } catch {
      this.validUtf8 = false;
    }
  }

  /** The encoding, once every byte has been pushed. */
  result(): TextEncoding {
    const bom = bomOf(this.start);
    if (bom) return bom;
    if (!this.validUtf8) return 'windows-1252';
    try {
      this.utf8.decode();
      return 'utf-8';
    } catch {
      // The file ends in the middle of a UTF-8 sequence.
      return 'windows-1252';
    }
  }
}

function bomOf(start: Uint8Array): TextEncoding | null {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return 'utf-8';
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  return null;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The encoding of a whole file in memory. */
export function encodingOf(bytes: Uint8Array): TextEncoding {
  const sniffer = new EncodingSniffer();
  sniffer.push(bytes);
  return sniffer.result();
}

/** The chunks of a file as text in the given encoding; a BOM is dropped, a character split between chunks is joined. */
export function* decodeChunks(chunks: Iterable<Uint8Array>, encoding: TextEncoding): Generator<string> {
  const decoder = new TextDecoder(encoding);
  for (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** A whole file's bytes as text, its encoding told from them. */
export function decodeBytes(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  const encoding = encodingOf(bytes);
  return { text: [...decodeChunks([bytes], encoding)].join(''), encoding };
}
