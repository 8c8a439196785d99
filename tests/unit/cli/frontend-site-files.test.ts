import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
      expect(() => readBuild(dir, cdn)).toThrow("build file 'static/bad\nname.js' has a name that cannot be an S3 key");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names releases by deploy time, with a label appended', () => {
    const at = new Date('2026-11-29T16:05:12.345Z');
    expect(releaseId(at)).toBe('20261129T160512Z');
    expect(releaseId(at, 'v1.4.0')).toBe('20261129T160512Z-v1.4.0');
    expect(() => releaseId(at, '../x')).toThrow('release label');
  });
});
