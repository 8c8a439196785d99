/** The environments' public URLs: a domain's hosts, else config's, else none; and what validation rejects. */
import { loadConfig, validateConfig } from '../../../infra/config/index.js';
import { appHealthUrl, resolvePublicUrls } from '../../../infra/config/public-urls.js';
import { defaultVerification, validateVerification } from '../../../infra/config/verification.js';

const base = defaultVerification('/health', 365 * 86400);
const hosts = { app: 'app.dev.interactions.example.com', assets: 'assets.dev.interactions.example.com' };

describe('resolvePublicUrls', () => {
  it("gives a domain's app and assets hosts as https URLs, over what config says", () => {
    // Act
    const urls = resolvePublicUrls(
      { appUrl: 'https://other.example.com', cdnUrl: 'https://d111111abcdef8.cloudfront.net' },
      hosts,
    );

    // Assess
    expect(urls).toEqual({
      appUrl: 'https://app.dev.interactions.example.com',
      cdnUrl: 'https://assets.dev.interactions.example.com',
    });
  });

  it("gives config's verification.appUrl and cdnUrl without a domain", () => {
    // Act
    const urls = resolvePublicUrls({
      appUrl: 'https://app.example.com/prefix',
      cdnUrl: 'https://d111111abcdef8.cloudfront.net',
    });

    // Assess
    expect(urls).toEqual({ appUrl: 'https://app.example.com/prefix', cdnUrl: 'https://d111111abcdef8.cloudfront.net' });
  });

  it('gives no URL without a domain or config, and only the one config sets', () => {
    expect(resolvePublicUrls({})).toEqual({});
    expect(resolvePublicUrls({ cdnUrl: 'https://d111111abcdef8.cloudfront.net' })).toEqual({
      cdnUrl: 'https://d111111abcdef8.cloudfront.net',
    });
  });

  it('joins the health path to the app URL, keeping its path prefix', () => {
    expect(appHealthUrl('https://app.example.com', '/health')).toBe('https://app.example.com/health');
    expect(appHealthUrl('https://app.example.com/prefix/', '/health')).toBe('https://app.example.com/prefix/health');
  });
});

describe('verification.appUrl and cdnUrl validation', () => {
  it('accepts https URLs with or without a path prefix, and their absence', () => {
    expect(validateVerification(base)).toEqual([]);
    expect(
      validateVerification({
        ...base,
        appUrl: 'https://app.example.com:8443/prefix',
        cdnUrl: 'https://d111111abcdef8.cloudfront.net',
      }),
    ).toEqual([]);
  });

  it.each([
    ['http://app.example.com'],
    ['app.example.com'],
    ['https://app.example.com/?q=1'],
    ['https://app.example.com/#top'],
    ['https://user@app.example.com'],
    ['https://'],
    [''],
  ])("rejects appUrl '%s', naming the field and the value", (url) => {
    expect(validateVerification({ ...base, appUrl: url })).toEqual([
      `verification.appUrl: '${url}' is not an https URL without query or fragment`,
    ]);
  });

  it("rejects a bad cdnUrl through the environment's validation", () => {
    // Prepare
    const config = loadConfig('dev');

    // Act
    const problems = validateConfig({
      ...config,
      verification: { ...config.verification, cdnUrl: 'http://d111111abcdef8.cloudfront.net' },
    });

    // Assess
    expect(problems).toContain(
      "verification.cdnUrl: 'http://d111111abcdef8.cloudfront.net' is not an https URL without query or fragment",
    );
  });
});
