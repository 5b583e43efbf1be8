import { isAppError, type AppErrorShape } from '../../shared/errors';
import {
  invokeChannels,
  type InvokeChannel,
  type IpcResult,
  type RequestOf,
  type ResponseOf,
} from '../../shared/ipc-contract';
import { redact } from '../../shared/redact';
import { compileSchema } from './compiled-schema';
import { findPayloadProblem, type PayloadProblem } from './payload-guard';
import type { IpcSender, SenderCheck } from './senders';

/**
 * The one place IPC handlers are registered. Every invoke goes through the same steps, in
 * this order: sender check, payload guard + schema parse, handler. The listener never
 * throws: Electron would turn a throw into a bare message (and log a stack in main), so every
 * outcome is an IpcResult with a shared error code and a redacted message.
 */

export type IpcListener = (sender: IpcSender, payload: unknown) => Promise<IpcResult<unknown>>;

/** What handle() needs from ipcMain: electron-ipc.ts adapts the real one, tests use a Map. */
export interface IpcRegistrar {
  handle(channel: InvokeChannel, listener: IpcListener): void;
}

export interface HandlerContext {
  sender: IpcSender;
}

export type InvokeHandler<C extends InvokeChannel> = (
  request: RequestOf<C>,
  context: HandlerContext,
) => Promise<ResponseOf<C>>;

export type InvokeHandlers = { [C in InvokeChannel]: InvokeHandler<C> };

export interface HandleOptions {
  registrar: IpcRegistrar;
  senderCheck: SenderCheck;
  /** Redacted one-line diagnostics (refused senders, unexpected errors); default: nowhere. */
  log?: (line: string) => void;
}

const PROBLEM_TEXT: Record<PayloadProblem, string> = {
  'too-large': 'The request is too large.',
  'too-deep': 'The request is nested too deeply.',
  'forbidden-key': 'The request contains a forbidden key.',
  'not-plain-data': 'The request contains something other than plain data.',
};

function fail(error: AppErrorShape): IpcResult<never> {
  return { ok: false, error };
}

/** An error as the renderer may see it: a known code, a redacted message, never a stack. */
export function toErrorShape(error: unknown, log?: (line: string) => void): AppErrorShape {
  if (isAppError(error)) {
    const shape = error.toShape();
    return { ...shape, message: redact(shape.message).slice(0, 2000) };
  }
  // A bug or a library error that escaped mapping: say so in the log (redacted), not to the UI.
  const name = error instanceof Error ? error.name : typeof error;
  log?.(redact(`ipc: unexpected ${name}: ${error instanceof Error ? error.message : String(error)}`));
  return { code: 'INTERNAL', message: 'Something went wrong inside the app.' };
}

export function createHandle(options: HandleOptions) {
  const { registrar, senderCheck, log } = options;

  return function handle<C extends InvokeChannel>(channel: C, handler: InvokeHandler<C>): void {
    // Compiled once per channel: a valid request skips zod's parser; an invalid one gets zod's error.
    const schema = compileSchema(invokeChannels[channel].request);
    registrar.handle(channel, async (sender, payload) => {
      try {
        if (!senderCheck.isTrusted(sender)) {
          log?.(`ipc: refused ${channel} from webContents ${sender.id} (untrusted sender)`);
          return fail({ code: 'IPC_UNTRUSTED_SENDER', message: 'This window may not use the app.' });
        }
        const problem = findPayloadProblem(payload);
        if (problem !== null) {
          return fail({ code: 'IPC_INVALID_ARGUMENT', message: PROBLEM_TEXT[problem] });
        }
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
          return fail({
            code: 'IPC_INVALID_ARGUMENT',
            message: redact(`Invalid request for ${channel}${where}: ${issue?.message ?? 'invalid'}`).slice(
              0,
              500,
            ),
          });
        }
        const value = await handler(parsed.data as RequestOf<C>, { sender });
        return { ok: true, value };
      } catch (error) {
        return fail(toErrorShape(error, log));
      }
    });
  };
}

/** Registers one handler per contract channel; a missing or extra one is a type error. */
export function registerInvokeHandlers(options: HandleOptions, handlers: InvokeHandlers): void {
  const handle = createHandle(options);
  for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
    handle(channel, handlers[channel] as InvokeHandler<typeof channel>);
  }
}
