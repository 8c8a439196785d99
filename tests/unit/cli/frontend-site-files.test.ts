import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseId } from '../../../cli/frontend/release-store.js';
import { cacheControlFor, contentTypeFor, readBuild } from '../../../cli/frontend/site-files.js';
import { loadConfig } from '../../../infra/config/index.js';

const { cdn } = loadConfig('prod');

describe('site files', () => {
  it.each([
    ['index.html', 'no-cache, no-store, must-revalidate, max-age=0'],
    ['static/js/app.1a2b.js', 'public, max-age=31536000, immutable'],
    ['build/asset-manifest.json', 'public, max-age=86400'],
    ['robots.txt', 'public, max-age=86400'],
    // Only the root page is the entry page; a nested one is an ordinary file.
    ['docs/index.html', 'public, max-age=86400'],
  ])('serves %s with Cache-Control %s (the seed table)', (key, expected) => {
    expect(cacheControlFor(key, cdn)).toBe(expected);
  });

  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['static/css/site.css', 'text/css; charset=utf-8'],
    ['static/images/logo.svg', 'image/svg+xml'],
    ['static/fonts/inter.woff2', 'font/woff2'],
    ['build/asset-manifest.json', 'application/json; charset=utf-8'],
    ['LICENSE', 'application/octet-stream'],
  ])('types %s as %s', (key, expected) => {
    expect(contentTypeFor(key)).toBe(expected);
  });

  it('rejects a build holding a file name S3 keys cannot carry faithfully', () => {
    const dir = mkdtempSync(join(tmpdir(), 'site-files-'));
    try {
      mkdirSync(join(dir, 'static'));
      writeFileSync(join(dir, 'index.html'), '');
      writeFileSync(join(dir, 'static', 'bad\nname.js'), '');
      expect(() => readBuild(dir, cdn)).toThrow(
        "build file 'static/bad\\nname.js' has a name that cannot be an S3 key",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a build that would publish more or less than its own files', () => {
    let dir: string;
    let outside: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'site-files-'));
      outside = mkdtempSync(join(tmpdir(), 'site-files-outside-'));
      writeFileSync(join(dir, 'index.html'), '');
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });

    it.each([
      ['releases/current.json', 'the current pointer'],
      ['releases/20240101T000000Z.manifest.json', 'a release manifest'],
    ])('is rejected when it holds %s, which would overwrite %s on publish', (key) => {
      // Prepare
      mkdirSync(join(dir, 'releases'));
      writeFileSync(join(dir, ...key.split('/')), '{}');

      // Act, Assess
      expect(() => readBuild(dir, cdn)).toThrow(`build file '${key}' is under releases/`);
    });

    it('accepts a directory merely named like the reserved one below the root', () => {
      mkdirSync(join(dir, 'static', 'releases'), { recursive: true });
      writeFileSync(join(dir, 'static', 'releases', 'notes.txt'), '');

      expect(readBuild(dir, cdn).map((file) => file.key)).toContain('static/releases/notes.txt');
    });

    it('refuses a symbolic link instead of uploading what it points to or skipping it', () => {
      // Prepare: a link to a file outside the build.
      writeFileSync(join(outside, 'credentials'), 'secret');
      symlinkSync(join(outside, 'credentials'), join(dir, 'config.json'));

      // Act, Assess
      expect(() => readBuild(dir, cdn)).toThrow("build entry 'config.json' is a symbolic link");
    });

    it('names a linked index.html instead of calling the build empty', () => {
      rmSync(join(dir, 'index.html'));
      writeFileSync(join(outside, 'index.html'), '<html>');
      symlinkSync(join(outside, 'index.html'), join(dir, 'index.html'));

      expect(() => readBuild(dir, cdn)).toThrow("build entry 'index.html' is a symbolic link");
    });
  });

  it('names releases by deploy time, with a label appended', () => {
    const at = new Date('2026-11-29T16:05:12.345Z');
    expect(releaseId(at)).toBe('20261129T160512Z');
    expect(releaseId(at, 'v1.4.0')).toBe('20261129T160512Z-v1.4.0');
    expect(() => releaseId(at, '../x')).toThrow('release label');
  });
});
