/**
 * What an uploaded file is, decided from its bytes (design.md §11: "type checked by content, not
 * by name"). The name only matters when it contradicts the content: that is the seller's error,
 * reported with how to fix it.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { SAVE_AS_HINT, SheetFileProblem } from './sheet-reader-errors.js';

/** What the bytes say. */
export type ContentKind = 'empty' | 'zip' | 'ole2' | 'text' | 'binary';

/** What the file name says. */
export type NameKind = 'xlsx' | 'xls' | 'csv' | 'other';

/** The start of a file, enough to tell its kind. */
export interface FileHead {
  size: number;
  head: Buffer;
}

/** How many leading bytes {@link readHead} reads. */
export const HEAD_BYTES = 64 * 1024;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Reads the size and the first {@link HEAD_BYTES} bytes of a file. Throws fs errors as they are. */
export async function readHead(filePath: string): Promise<FileHead> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    let filled = 0;
    while (filled < head.length) {
      const { bytesRead } = await handle.read(head, filled, head.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { size, head: head.subarray(0, filled) };
  } finally {
    await handle.close();
  }
}

/**
 * Classifies content: a zip (xlsx), an OLE2 container (.xls or an encrypted workbook), text
 * (a byte-order mark, or no NUL and few control bytes), or other binary.
 */
export function contentKind({ size, head }: FileHead): ContentKind {
  if (size === 0) return 'empty';
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, EMPTY_ZIP_MAGIC)) return 'zip';
  if (startsWith(head, OLE2_MAGIC.subarray(0, 4))) return 'ole2';
  if (hasUtf16Bom(head)) return 'text';
  return looksLikeText(head) ? 'text' : 'binary';
}

/** Classifies a file name by its extension (case-insensitive). */
export function nameKind(displayName: string): NameKind {
  switch (extname(displayName).toLowerCase()) {
    case '.xlsx':
    case '.xlsm':
    case '.xltx':
    case '.xltm':
      return 'xlsx';
    case '.xls':
      return 'xls';
    case '.csv':
    case '.tsv':
    case '.txt':
      return 'csv';
    default:
      return 'other';
  }
}

/**
 * Decides which reader gets the file, or throws {@link SheetFileProblem} with a sentence for the
 * seller: empty file, OLE2 (.xls or password-protected), binary, or a name contradicting the content.
 */
export function readerFor(file: FileHead, displayName: string): 'xlsx' | 'csv' {
  const content = contentKind(file);
  const named = nameKind(displayName);
  const ext = extname(displayName).toLowerCase();
  switch (content) {
    case 'empty':
      throw new SheetFileProblem(`The file is empty (0 bytes); ${SAVE_AS_HINT}, and upload it again.`);
    case 'ole2':
      throw new SheetFileProblem(`${ole2What(file.head)} cannot be read; ${SAVE_AS_HINT}.`);
    case 'zip':
      if (named === 'csv') {
        throw new SheetFileProblem(
          `The file is named ${ext} but it is an Excel workbook (a zip file), not CSV text; ` +
            'rename it to .xlsx, or open it in Excel and save it as CSV UTF-8.',
        );
      }
      if (named === 'xls') {
        throw new SheetFileProblem(
          'The file is named .xls but it is an .xlsx workbook; rename it to .xlsx, or open it in Excel ' +
            'and save it as .xlsx (Excel 통합 문서).',
        );
      }
      return 'xlsx';
    case 'text':
      if (named === 'xlsx' || named === 'xls') {
        throw new SheetFileProblem(
          `The file is named ${ext} but it is not an Excel workbook: it ${textWhat(file.head)}; ` +
            'rename it to .csv if it is CSV, or open it in Excel and save it as .xlsx (Excel 통합 문서).',
        );
      }
      return 'csv';
    case 'binary':
      if (named === 'csv') {
        throw new SheetFileProblem(
          `The file is named ${ext} but it is a binary file, not CSV text; ${SAVE_AS_HINT}.`,
        );
      }
      throw new SheetFileProblem(`The file is neither an Excel workbook (.xlsx) nor CSV text; ${SAVE_AS_HINT}.`);
  }
}

function startsWith(head: Buffer, magic: Buffer): boolean {
  return head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
}

function hasUtf16Bom(head: Buffer): boolean {
  return head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}

/** No NUL byte and under 1 % C0 control bytes other than tab, line breaks, form feed and escape. */
function looksLikeText(head: Buffer): boolean {
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++;
  }
  return control * 100 <= head.length;
}

/** An encrypted OOXML package names its streams EncryptionInfo / EncryptedPackage (UTF-16LE). */
function ole2What(head: Buffer): string {
  if (head.includes(Buffer.from('EncryptedPackage', 'utf16le'))) return 'The workbook is password-protected (encrypted) and';
  if (head.includes(Buffer.from('Workbook', 'utf16le')) || head.includes(Buffer.from('Book', 'utf16le'))) {
    return 'The file is an old-format Excel workbook (.xls) and';
  }
  return 'The file is an old-format Excel workbook (.xls) or a password-protected workbook and';
}

function textWhat(head: Buffer): string {
  const start = head.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<table')) {
    return 'is a web page (HTML) saved with an Excel name';
  }
  if (start.startsWith('<?xml')) return 'is an XML file (perhaps "XML Spreadsheet 2003")';
  return 'contains plain text (CSV or tab-separated)';
}
