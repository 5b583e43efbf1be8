/**
 * The pool's AWS JSON 1.1 APIs on `POST /` of its origin: the user-pool API
 * (`AWSCognitoIdentityProviderService.<Op>`, as at cognito-idp.<region>.amazonaws.com) and
 * identity pools (`AWSCognitoIdentityService.<Op>`, as at cognito-identity.<region>.amazonaws.com).
 *
 * One dispatcher, operation tables per service. An operation says how it is authorized:
 * `auth: 'none'` (tokens in the body, as Cognito's public operations) or
 * `auth: { sigv4: '<service>', action: '<service>:<Op>' }` (the dispatcher verifies the signature
 * and the action with iam/ before the handler runs), and optionally the quota category it
 * counts against (TooManyRequestsException over it). Add an operation by adding an entry to a
 * table (e.g. `{ ...accessTokenOperations, ...adminOperations, ...sessionOperations }`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { AwsApiError, parseJsonBody, sendAwsError, sendAwsJson, sendPreflight } from './aws-json';
import { BodyTooLargeError, readBody } from './http-helpers';
import type { IamAuthority, IamPrincipal } from './iam';

export interface AwsCall {
  /** The verified caller of a SigV4 operation. */
  principal?: IamPrincipal;
  /** The raw request (headers as received), e.g. for a User-Agent. */
  req: IncomingMessage;
}

export interface AwsOperation {
  auth: 'none' | { sigv4: string; action: string };
  /** The rate-limit category (Cognito's quota category) this operation counts against. */
  quota?: string;
  handle(input: Record<string, unknown>, call: AwsCall): Promise<unknown>;
}

export type AwsOperationTable = Record<string, AwsOperation>;

export interface AwsService {
  /** e.g. `AWSCognitoIdentityProviderService.` */
  targetPrefix: string;
  operations: AwsOperationTable;
  /** The resource ARN named in AccessDeniedException messages. */
  resourceArn: string;
}

export interface AwsApiDeps {
  services: AwsService[];
  iam: IamAuthority;
  /** Whether one more request of this quota category fits now. */
  takeQuota: (category: string) => boolean;
  log: (line: string) => void;
}

export function createAwsApi(deps: AwsApiDeps) {
  /** Whether this request is for the AWS APIs (POST or preflight on `/`). */
  function handles(req: IncomingMessage, path: string): boolean {
    return path === '/' && (req.method === 'POST' || req.method === 'OPTIONS');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      sendPreflight(req, res, 'POST');
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      res.setHeader('Connection', 'close');
      sendAwsError(
        res,
        new AwsApiError(
          err instanceof BodyTooLargeError ? 'RequestEntityTooLargeException' : 'SerializationException',
          'The request body could not be read.',
          err instanceof BodyTooLargeError ? 413 : 400,
        ),
      );
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const service = deps.services.find((s) => target.startsWith(s.targetPrefix));
    const name = service ? target.slice(service.targetPrefix.length) : '';
    const operation =
      service && Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
    try {
      if (!service || !operation) {
        throw new AwsApiError(
          'UnknownOperationException',
          target ? `Unknown operation ${target}` : 'Missing X-Amz-Target',
        );
      }
      const call: AwsCall = { req };
      if (operation.auth !== 'none') {
        const verified = await deps.iam.verify(
          { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
          operation.auth.sigv4,
        );
        if (!verified.ok) {
          deps.log(`user pool: ${name} refused: ${verified.code}`);
          throw new AwsApiError(verified.code, verified.message);
        }
        const allowed = deps.iam.authorize(verified.principal, operation.auth.action, service.resourceArn);
        if (!allowed.ok) {
          deps.log(`user pool: ${name} refused: AccessDeniedException`);
          throw new AwsApiError(allowed.code, allowed.message);
        }
        call.principal = verified.principal;
      }
      if (operation.quota !== undefined && !deps.takeQuota(operation.quota)) {
        throw new AwsApiError('TooManyRequestsException', 'Rate exceeded');
      }
      const input = parseJsonBody(body);
      sendAwsJson(res, await operation.handle(input, call));
    } catch (err) {
      if (err instanceof AwsApiError) {
        sendAwsError(res, err);
        return;
      }
      deps.log(`user pool: internal error in ${name || target}: ${String(err)}`);
      sendAwsError(res, new AwsApiError('InternalErrorException', 'Internal server error', 500));
    }
  }

  return { handles, handle };
}
