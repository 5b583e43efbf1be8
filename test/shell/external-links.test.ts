import { describe, expect, it } from 'vitest';
import { createExternalOpener, isAllowedLink, isHostedUiUrl } from '../../src/main/external-links';
import { AppError } from '../../src/shared/errors';

const hostedUi = { domain: 'https://myapp.auth.us-east-1.amazoncognito.com' };

describe('external links', () => {
  it('allows the active profile authorize and logout endpoints with any query', () => {
    expect(
      isHostedUiUrl(`${hostedUi.domain}/oauth2/authorize?response_type=code&client_id=x&state=y`, hostedUi),
    ).toBe(true);
    expect(isHostedUiUrl(`${hostedUi.domain}/logout?client_id=x&logout_uri=y`, hostedUi)).toBe(true);
    expect(isHostedUiUrl('https://MYAPP.auth.us-east-1.amazoncognito.com:443/logout', hostedUi)).toBe(true);
  });

  it.each([
    ['token endpoint', `${hostedUi.domain}/oauth2/token`],
    ['other host', 'https://evil.example/oauth2/authorize?client_id=x'],
    ['look-alike host', 'https://myapp.auth.us-east-1.amazoncognito.com.evil.example/oauth2/authorize'],
    ['userinfo trick', 'https://myapp.auth.us-east-1.amazoncognito.com@evil.example/oauth2/authorize'],
    ['http downgrade', 'http://myapp.auth.us-east-1.amazoncognito.com/oauth2/authorize'],
    ['other port', 'https://myapp.auth.us-east-1.amazoncognito.com:8443/oauth2/authorize'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['path suffix', `${hostedUi.domain}/oauth2/authorize/../../evil`],
    ['garbage', 'not a url'],
  ])('refuses %s', (_name, url) => {
    expect(isHostedUiUrl(url, hostedUi)).toBe(false);
  });

  it('refuses everything when no profile is active', () => {
    expect(isHostedUiUrl(`${hostedUi.domain}/oauth2/authorize`, undefined)).toBe(false);
  });

  it('allows only https links to allow-listed origins', () => {
    expect(isAllowedLink('https://docs.aws.amazon.com/cognito/latest/developerguide/')).toBe(true);
    expect(isAllowedLink('http://docs.aws.amazon.com/')).toBe(false);
    expect(isAllowedLink('https://docs.aws.amazon.com.evil.example/')).toBe(false);
    expect(isAllowedLink('https://evil.example/')).toBe(false);
    expect(isAllowedLink('file:///etc/passwd')).toBe(false);
  });

  it('opens Hosted UI URLs through openExternal and refuses the rest with a typed error, without logging the URL', async () => {
    const opened: string[] = [];
    const logs: string[] = [];
    let active: { domain: string } | undefined = hostedUi;
    const opener = createExternalOpener({
      openExternal: async (url) => {
        opened.push(url);
      },
      activeHostedUi: () => active,
      log: (line) => logs.push(line),
    });
    const good = `${hostedUi.domain}/oauth2/authorize?state=secret-state-value`;
    await opener.openHostedUi(good);
    expect(opened).toEqual([good]);

    const bad = 'https://evil.example/oauth2/authorize?state=secret-state-value';
    await expect(opener.openHostedUi(bad)).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'ORIGIN_NOT_ALLOWED',
    );
    // A profile switch changes what is allowed at once.
    active = { domain: 'https://other.auth.eu-west-1.amazoncognito.com' };
    await expect(opener.openHostedUi(good)).rejects.toBeInstanceOf(AppError);
    expect(opened).toEqual([good]);
    expect(logs.join('\n')).not.toContain('secret-state-value');

    expect(await opener.openLink('https://docs.aws.amazon.com/x')).toBe(true);
    expect(await opener.openLink('https://evil.example/x')).toBe(false);
    expect(opened).toEqual([good, 'https://docs.aws.amazon.com/x']);
  });
});
