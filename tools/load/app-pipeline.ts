/**
 * The main-process request path exactly as the renderer reaches it, minus Electron:
 * `api:request` -> handle() (sender check, payload guard, zod parse) -> the real handler ->
 * the bearer API client -> the session engine's getAccessToken(). ipcMain is replaced by the
 * in-process registrar the IPC tests use; nothing on the path is shortcut.
 */
import type { AxiosInstance } from 'axios';
import type { Session } from '../../src/main/auth/session';
import type { ResolvedProfile } from '../../src/main/config/profile';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import { createApiClient } from '../../src/main/http/api-client';
import type { NetTransport } from '../../src/main/net/transport';
import { createHandlers } from '../../src/main/ipc/handlers';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createInProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck } from '../../src/main/ipc/senders';
import type { IpcSender } from '../../src/main/ipc/senders';
import type { ApiRequest, ApiResponse, IpcResult, Profiles } from '../../src/shared/ipc-contract';

const APP_URL = 'app://bundle/index.html';
const WINDOW_ID = 1;

/** The app's own window, as electron-ipc.ts would describe it. */
export const APP_SENDER: IpcSender = {
  id: WINDOW_ID,
  mainFrameUrl: APP_URL,
  senderFrame: { url: APP_URL, isMainFrame: true },
};

export interface AppPipeline {
  /** One `api:request` invoke as the preload's `desktop.api.request()` sends it. */
  apiRequest(request: ApiRequest): Promise<IpcResult<ApiResponse>>;
}

export interface AppPipelineOptions {
  session: Session;
  profile: ResolvedProfile;
  /** The API client's cap on concurrent requests (the app's default is 64). */
  maxInFlight?: number;
  defaultTimeoutMs?: number;
  http?: AxiosInstance;
  /** The NetTransport the API client sends through (default: the app's default Node transport). */
  transport?: NetTransport;
}

export function createAppPipeline(options: AppPipelineOptions): AppPipeline {
  const { session, profile } = options;
  const profiles: ProfilesController = {
    list: (): Profiles => ({
      activeProfileId: profile.id,
      profiles: [{ id: profile.id, label: profile.label, demo: profile.demo ?? false, apis: profile.apis }],
    }),
    switchTo: async () => profiles.list(),
  };
  const api = createApiClient({
    apis: () => profile.apis,
    tokens: session,
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    ...(options.defaultTimeoutMs === undefined ? {} : { defaultTimeoutMs: options.defaultTimeoutMs }),
    ...(options.http === undefined ? {} : { http: options.http }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  });
  const registrar = createInProcessRegistrar();
  const senderCheck = createSenderCheck({ isAppWebContents: (id) => id === WINDOW_ID, appUrls: [APP_URL] });
  registerInvokeHandlers({ registrar, senderCheck }, createHandlers({ session, api, profiles }).invoke);
  return {
    apiRequest: async (request) =>
      (await registrar.invoke('api:request', APP_SENDER, request)) as IpcResult<ApiResponse>,
  };
}
