// A file sent with a form (multipart/form-data), streamed by busboy to a private temporary file
// with a size limit, its encoding told from its bytes as they pass (domain/textEncoding). The one
// place the app reads multipart bodies. The form's other fields land in req.body as a urlencoded
// form's would; the CSRF token must come before the file (the form puts it first) and is checked
// before a byte of the file is stored; the app's CSRF protection checks it again afterwards.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import { EncodingSniffer, type TextEncoding } from '../domain/textEncoding.js';
import { Problem } from '../problem.js';

export interface UploadedFile {
  /** A private temporary file: whoever takes the upload deletes it (removeUpload). */
  path: string;
  /** The name the browser gave, for the page only. */
  name: string;
  bytes: number;
  encoding: TextEncoding;
}

/**
 * What came: the file (null when none was chosen), or that it was larger than allowed (nothing
 * kept). A file nobody took (takeUpload) is deleted once the answer is sent.
 */
export interface Upload { file: UploadedFile | null; tooLarge: boolean; taken: boolean }

/** The uploaded file, now the caller's to delete (removeUpload); null when none came. */
export function takeUpload(upload: Upload): UploadedFile | null {
  upload.taken = true;
  return upload.file;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** Set by fileUpload on a multipart post. */
    upload?: Upload;
  }
}

const FIELD_MAX_BYTES = 1024;

/** A fresh private temporary file's name (the tests count them by the prefix). */
const uploadPath = () => path.join(os.tmpdir(), `indikator-upload-${randomBytes(12).toString('hex')}`);

/**
 * Reads a multipart post with one file field `field` of at most `maxBytes`, and short fields;
 * anything else is left for the next parser. `tokenValid` is the CSRF check (security/csrf.ts).
 * The result is in res.locals.upload.
 */
export function fileUpload(opts: { field: string; maxBytes: number; tokenValid: (req: Request) => boolean }): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: opts.maxBytes, fields: 10, fieldSize: FIELD_MAX_BYTES, parts: 11 } });
    } catch {
      return next(new Problem('badRequest', 'malformed multipart header'));
    }
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    const upload: Upload = { file: null, tooLarge: false, taken: false };
    res.on('close', () => {
      if (upload.file && !upload.taken) removeUpload(upload.file);
    });
    let stored: Promise<void> = Promise.resolve();
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      if (upload.file) removeUpload(upload.file);
      next(err instanceof Problem ? err : new Problem('badRequest', err instanceof Error ? err.message : 'unreadable upload'));
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || name === '__proto__') return fail(new Problem('badRequest', `field ${name} too long`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      req.body = fields;
      // Not the form's file field, no file chosen, or no valid token before it: read past it, keep nothing.
      if (name !== opts.field || !info.filename || !opts.tokenValid(req)) return void stream.resume();
      const file: UploadedFile = { path: uploadPath(), name: (info.filename ?? '').slice(0, 200), bytes: 0, encoding: 'utf-8' };
      upload.file = file;
      const sniffer = new EncodingSniffer();
      const out = fs.createWriteStream(file.path, { mode: 0o600, flags: 'wx' });
      stream.on('data', (chunk: Buffer) => {
        file.bytes += chunk.length;
        sniffer.push(chunk);
      });
      stream.on('limit', () => {
        upload.tooLarge = true;
      });
      stored = new Promise((resolve, reject) => {
        out.on('finish', () => {
          file.encoding = sniffer.result();
          resolve();
        });
        out.on('error', reject);
        stream.on('error', reject);
      });
      stream.pipe(out);
    });
    parser.on('error', fail);
    parser.on('close', () => {
      stored.then(() => {
        if (failed) return;
        req.body = fields;
        if (upload.tooLarge && upload.file) {
          removeUpload(upload.file);
          upload.file = null;
        }
        res.locals.upload = upload;
        next();
      }, fail);
    });
    req.pipe(parser);
  };
}

/** Pasted text kept as an upload would be (a private temporary file, UTF-8), for a pasted file whose columns are mapped first. */
export function storeText(text: string, name: string): UploadedFile {
  const file: UploadedFile = { path: uploadPath(), name, bytes: Buffer.byteLength(text, 'utf8'), encoding: 'utf-8' };
  fs.writeFileSync(file.path, text, { mode: 0o600, flag: 'wx' });
  return file;
}

/** Deletes the temporary file of an upload (it may be gone already). */
export function removeUpload(file: Pick<UploadedFile, 'path'>): void {
  fs.rmSync(file.path, { force: true });
}
