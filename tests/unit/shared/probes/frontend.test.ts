/**
 * The frontend check's reading of Cache-Control and of index.html: what counts as "never cached"
 * and which reference is the asset whose lifetime is checked.
 */
import { findStaticAsset, isNotCacheable } from '../../../../shared/probes/frontend.js';

describe('isNotCacheable', () => {
  it.each(['no-cache', 'no-store', 'public, max-age=0', 'no-cache, no-store, must-revalidate', 'max-age=00'])(
    'takes %j as never cached',
    (header) => {
      expect(isNotCacheable(header)).toBe(true);
    },
  );

  it.each([
    // A qualified no-cache only stops caching of the named header: the page itself lives an hour.
    'no-cache="Set-Cookie", max-age=3600',
    'no-cache, s-maxage=600',
    'public, max-age=3600',
    'max-age=0x10',
    '',
  ])('takes %j as cacheable', (header) => {
    expect(isNotCacheable(header)).toBe(false);
  });

  it('takes a response without Cache-Control as cacheable', () => {
    expect(isNotCacheable(undefined)).toBe(false);
  });
});

describe('findStaticAsset', () => {
  it("returns the first same-origin asset under the prefix, ignoring another host's", () => {
    const html = '<script src="//other.example/static/x.js"></script><link href="/static/css/a.css">';
    expect(findStaticAsset(html, '/static/', 'https://cdn.example')).toBe('/static/css/a.css');
  });

  it('does not take the static folder itself for an asset', () => {
    const html = '<a href="/static/">assets</a><img src="/static/img/logo.png">';
    expect(findStaticAsset(html, '/static/', 'https://cdn.example')).toBe('/static/img/logo.png');
  });

  it('finds nothing when only the folder is referenced', () => {
    expect(findStaticAsset('<a href="/static/">assets</a>', '/static/', 'https://cdn.example')).toBeUndefined();
  });
});
