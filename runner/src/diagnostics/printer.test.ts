import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {Diagnostic} from './diagnostic.js';
import {formatDiagnostics} from './printer.js';

let dir: string;
const TEXT = 'stages:\n  train:\n    uses: rfmm\n';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runner-printer-'));
  writeFileSync(path.join(dir, 'pipeline.yaml'), TEXT);
  writeFileSync(path.join(dir, 'crlf.yaml'), 'a: 1\r\nb:\tx\r\n');
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const file = () => path.join(dir, 'pipeline.yaml');
const error = (offset: number, length: number, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  reason: 'unknown-plugin',
  severity: 'error',
  message: 'Unknown plugin "rfmm".',
  location: {file: file(), offset, length},
  ...extra,
});

describe('formatDiagnostics', () => {
  test('prints file:line:col, the source line and carets under the range', () => {
    const offset = TEXT.indexOf('rfmm');
    expect(formatDiagnostics([error(offset, 4)], {cwd: dir, color: false})).toBe(
      [
        'pipeline.yaml:3:11: error[unknown-plugin]: Unknown plugin "rfmm".',
        '    3 |     uses: rfmm',
        '      |           ^^^^',
        '',
        '1 error in pipeline.yaml',
        '',
      ].join('\n'),
    );
  });

  test('paths are relative to cwd; a zero-length range gets one caret', () => {
    const out = formatDiagnostics([error(10, 0)], {cwd: path.dirname(dir), color: false});
    expect(out.split('\n')[0]).toBe(
      `${path.basename(dir)}/pipeline.yaml:2:3: error[unknown-plugin]: Unknown plugin "rfmm".`,
    );
    expect(out.split('\n')[2]).toBe('      |   ^');
  });

  test('a range spanning lines is underlined to the end of its first line', () => {
    const out = formatDiagnostics([error(0, TEXT.length)], {cwd: dir, color: false});
    expect(out.split('\n')[2]).toBe('      | ^^^^^^^');
  });

  test('supplemental locations follow as notes; unlocated diagnostics have no excerpt', () => {
    const out = formatDiagnostics(
      [
        {reason: 'unknown-set-key', severity: 'error', message: '--set x=1: no key "x".'},
        error(TEXT.indexOf('train'), 5, {
          reason: 'cycle',
          message: 'A cycle.',
          supplemental: [
            {message: 'train depends on x', location: {file: file(), offset: 0, length: 6}},
          ],
        }),
      ],
      {cwd: dir, color: false},
    );
    expect(out).toBe(
      [
        'error[unknown-set-key]: --set x=1: no key "x".',
        '',
        'pipeline.yaml:2:3: error[cycle]: A cycle.',
        '    2 |   train:',
        '      |   ^^^^^',
        'pipeline.yaml:1:1: note: train depends on x',
        '    1 | stages:',
        '      | ^^^^^^',
        '',
        '2 errors in pipeline.yaml',
        '',
      ].join('\n'),
    );
  });

  test('CRLF files and tabs keep the marker aligned; summary lists every file', () => {
    const crlf = path.join(dir, 'crlf.yaml');
    const out = formatDiagnostics(
      [
        {...error(0, 1), severity: 'warning'},
        {...error(9, 1), location: {file: crlf, offset: 9, length: 1}},
      ],
      {cwd: dir, color: false},
    );
    expect(out).toContain('crlf.yaml:2:4: error[unknown-plugin]');
    expect(out).toContain('    2 | b:\tx\n      |   \t^');
    expect(out).toContain('pipeline.yaml:1:1: warning[unknown-plugin]');
    expect(out.endsWith('1 error and 1 warning in pipeline.yaml, crlf.yaml\n')).toBe(true);
  });

  test('colour codes only when asked', () => {
    const plain = formatDiagnostics([error(0, 1)], {cwd: dir, color: false});
    const colored = formatDiagnostics([error(0, 1)], {cwd: dir, color: true});
    expect(plain).not.toContain('\u001b[');
    expect(colored).toContain('\u001b[31merror[unknown-plugin]\u001b[0m');
  });

  test('nothing to print gives an empty string', () => {
    expect(formatDiagnostics([], {cwd: dir, color: false})).toBe('');
  });
});
