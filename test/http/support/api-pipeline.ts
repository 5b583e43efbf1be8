import type { AccessTokenSource } from '../../../src/main/auth/access-token-source';
import { createApiClient } from '../../../src/main/http/api-client';
import type { ApiDefinition } from '../../../src/main/http/api-origins';
import { registerInvokeHandlers } from '../../../src/main/ipc/handle';
import { createHandlers, type HandlerDependencies } from '../../../src/main/ipc/handlers';
import { createInProcessRegistrar } from '../../../src/main/ipc/in-process-registrar';
import { createSenderCheck, type IpcSender } from '../../../src/main/ipc/senders';
import type { IpcResult } from '../../../src/shared/ipc-contract';
import { RecordingProfiles, RecordingSession } from '../../ipc/controllers';

/**
 * The app's own `api:request` path for HTTP tests: the real handle() pipeline (sender check,
 * payload guard, schema) and handlers over a bearer API client for one API, invoked as the app's
 * window would. Returns a function that sends one request (GET unless it says otherwise).
 */
export const APP_URL = 'file:///app/out/renderer/index.html';
export const APP_SENDER: IpcSender = {
  id: 1,
  mainFrameUrl: APP_URL,
  senderFrame: { url: APP_URL, isMainFrame: true },
};

export interface ApiPipelineOptions {
  tokens: AccessTokenSource;
  api: ApiDefinition;
  /** The session the handlers see (default: a recording stand-in). */
  session?: HandlerDependencies['session'];
  /** The pipeline's redacted log lines. */
  log?: (line: string) => void;
}

export function apiRequestPipeline(
  options: ApiPipelineOptions,
): (request: Record<string, unknown>) => Promise<IpcResult<unknown>> {
  const registrar = createInProcessRegistrar();
  registerInvokeHandlers(
    {
      registrar,
      senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === 1 }),
      ...(options.log ? { log: options.log } : {}),
    },
    createHandlers({
      session: options.session ?? new RecordingSession(),
      profiles: new RecordingProfiles(),
      api: createApiClient({ apis: () => [options.api], tokens: options.tokens }),
    }).invoke,
  );
  let seq = 0;
  return (request) =>
    registrar.invoke('api:request', APP_SENDER, {
      requestId: `t${++seq}`,
      api: options.api.name,
      method: 'GET',
      ...request,
    });
}
