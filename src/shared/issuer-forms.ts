/**
 * Cognito's two issuer forms (IssuerConfigurationType): ORIGINAL
 * `https://cognito-idp.<region>.amazonaws.com/<poolId>` and UPDATED
 * `https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>`. A pool uses one; tokens carry it
 * in `iss`, and a client that guesses the other form rejects every token.
 *
 * API:
 *   cognitoIssuer(region, userPoolId, form = 'original') -> the AWS issuer of that form.
 *   localIssuer(domain, userPoolId, form)                 -> the local user pool's issuer of that
 *       form: `<domain>/<poolId>` (original) or `<domain>/updated/<poolId>` (updated). One host
 *       serves the local pool, so the updated form's other host becomes a path prefix.
 *   issuerFormOf(issuer)   -> 'original' | 'updated' | undefined (not a Cognito-shaped issuer).
 *   otherIssuerForm(issuer) -> { form, issuer } of the same pool in the other form, or undefined.
 *
 * One definition for the app (profile, token checks, doctor) and the local user pool, so the two
 * cannot disagree on what "the other form of the same pool" is.
 */
export type IssuerForm = 'original' | 'updated';

const POOL_ID = /^[a-z]{2}-(?:gov-)?[a-z]+-\d_[A-Za-z0-9]+$/;
const AWS_HOST = /^(issuer-)?cognito-idp\.([a-z]{2}-(?:gov-)?[a-z]+-\d)\.amazonaws\.com$/;
const LOCAL_UPDATED_PREFIX = 'updated';

export function cognitoIssuer(region: string, userPoolId: string, form: IssuerForm = 'original'): string {
  const host = form === 'updated' ? 'issuer-cognito-idp' : 'cognito-idp';
  return `https://${host}.${region}.amazonaws.com/${userPoolId}`;
}

export function localIssuer(domain: string, userPoolId: string, form: IssuerForm): string {
  const base = domain.replace(/\/+$/, '');
  return form === 'updated' ? `${base}/${LOCAL_UPDATED_PREFIX}/${userPoolId}` : `${base}/${userPoolId}`;
}

interface Parsed {
  form: IssuerForm;
  userPoolId: string;
  build: (form: IssuerForm) => string;
}

function parse(issuer: string): Parsed | undefined {
  let url: URL;
  try {
    url = new URL(issuer.replace(/\/+$/, ''));
  } catch {
    return undefined;
  }
  if (url.search || url.hash || url.username || url.password) return undefined;
  const segments = url.pathname.split('/').filter(Boolean);
  const aws = AWS_HOST.exec(url.hostname);
  if (aws && url.protocol === 'https:' && !url.port) {
    const [userPoolId] = segments;
    if (segments.length !== 1 || !userPoolId || !POOL_ID.test(userPoolId)) return undefined;
    const region = aws[2] ?? '';
    return {
      form: aws[1] ? 'updated' : 'original',
      userPoolId,
      build: (form) => cognitoIssuer(region, userPoolId, form),
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const updated = segments.length === 2 && segments[0] === LOCAL_UPDATED_PREFIX;
  const userPoolId = updated ? segments[1] : segments.length === 1 ? segments[0] : undefined;
  if (!userPoolId || !POOL_ID.test(userPoolId)) return undefined;
  return {
    form: updated ? 'updated' : 'original',
    userPoolId,
    build: (form) => localIssuer(url.origin, userPoolId, form),
  };
}

export function issuerFormOf(issuer: string): IssuerForm | undefined {
  return parse(issuer)?.form;
}

export function otherIssuerForm(issuer: string): { form: IssuerForm; issuer: string } | undefined {
  const parsed = parse(issuer);
  if (!parsed) return undefined;
  const form: IssuerForm = parsed.form === 'original' ? 'updated' : 'original';
  return { form, issuer: parsed.build(form) };
}

/**
 * The message for a token or discovery document of the other form: names the profile field to set
 * (`issuerType` is offered only for AWS issuers: it derives nothing else).
 */
export function issuerFormMismatchMessage(expected: string, actual: string, form: IssuerForm): string {
  const aws = AWS_HOST.test(safeHost(actual));
  const alternative = aws ? ` (or "issuerType": "${form}")` : '';
  return `This user pool uses the ${form} issuer form ${actual}, but the profile expects ${expected}. Set the profile's "issuer" to ${actual}${alternative}.`;
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
