import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { LANGUAGE_SETTINGS } from './languages';
import { SessionStateSchema } from './session-state';

/**
 * Every IPC channel of the app, in one place. Main registers exactly one handler per
 * invoke channel (through its validated handle()), preload exposes exactly one named method
 * per channel, and both take their types from these schemas.
 *
 * Requests are strict objects: unknown keys are refused, so a compromised renderer cannot
 * smuggle options the handler never meant to accept.
 */

export const MAX_IPC_PAYLOAD_BYTES = 1024 * 1024;
export const MAX_API_BODY_BYTES = 512 * 1024;
export const MAX_API_HEADERS = 32;
/** Nesting limit checked before schema parsing, so a deep payload cannot exhaust the stack. */
export const MAX_IPC_PAYLOAD_DEPTH = 32;

export const AppErrorSchema = z
  .object({
    code: z.enum(ERROR_CODES),
    message: z.string().max(2000),
    status: z.number().int().optional(),
  })
  .strict();

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }).strict(),
    z.object({ ok: z.literal(false), error: AppErrorSchema }).strict(),
  ]);
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: z.infer<typeof AppErrorSchema> };

const Empty = z.object({}).strict();
const RequestId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const ApiMethodSchema = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/** JSON values only: no functions, no class instances, bounded depth through the byte cap. */
const JsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

export const ApiRequestSchema = z
  .object({
    requestId: RequestId,
    /** Name of an API from the active profile, never a URL. */
    api: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    method: ApiMethodSchema,
    /** Path (and optional query) relative to the API's base URL; must start with a single '/'. */
    path: z.string().min(1).max(2048),
    /** Safe headers only (Accept, Content-Type, If-None-Match, X-...); main refuses the rest. */
    headers: z
      .record(z.string().min(1).max(128), z.string().max(4096))
      .refine((h) => Object.keys(h).length <= MAX_API_HEADERS, { message: 'too many headers' })
      // The same limit in JSON Schema terms, for main's precompiled validator (compiled-schema.ts).
      .meta({ refinementAsJsonSchema: { maxProperties: MAX_API_HEADERS } })
      .optional(),
    body: JsonValue.optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
  })
  .strict();
export type ApiRequest = z.infer<typeof ApiRequestSchema>;

export const ApiResponseSchema = z
  .object({
    status: z.number().int(),
    statusText: z.string().max(200),
    headers: z.record(z.string(), z.string()),
    body: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('empty') }).strict(),
      z.object({ kind: z.literal('json'), value: JsonValue }).strict(),
      z.object({ kind: z.literal('text'), value: z.string() }).strict(),
      /** Any other content type: base64 of the raw bytes (the size cap applies before encoding). */
      z.object({ kind: z.literal('binary'), contentType: z.string().max(200), base64: z.string() }).strict(),
    ]),
    /**
     * A 3xx answer: main follows no redirect (a bearer must never reach another origin), it
     * reports where the API pointed and whether that was the same origin.
     */
    redirect: z
      .object({ location: z.string().max(4096), sameOrigin: z.boolean() })
      .strict()
      .optional(),
    /** True when the first attempt got 401 invalid_token and this is the one retry after a refresh. */
    retried: z.boolean().optional(),
    durationMs: z.number(),
  })
  .strict();
export type ApiResponse = z.infer<typeof ApiResponseSchema>;

export const ProfileSummarySchema = z
  .object({
    id: z.string(),
    label: z.string(),
    demo: z.boolean(),
    apis: z.array(z.object({ name: z.string(), baseUrl: z.string() }).strict()),
    /** From the organisation's profile file: the user may not change or remove it. */
    managed: z.boolean().optional(),
    /** The profile has an identity pool: the Admin page works on the user pool itself (aws:admin-*). */
    identityPool: z.boolean().optional(),
    /** The pool tracks token sessions: the "Devices and sessions" page (account:*-session*). */
    sessionTracking: z.boolean().optional(),
    /** The profile's sign-in buttons (labels only; which IdP each names stays in main). */
    signInOptions: z
      .array(z.object({ label: z.string() }).strict())
      .max(10)
      .optional(),
    /** Cognito managed login 2: the account menu offers "Add a passkey...". */
    passkeys: z.boolean().optional(),
  })
  .strict();
export type ProfileSummary = z.infer<typeof ProfileSummarySchema>;

export const ProfilesSchema = z
  .object({
    activeProfileId: z.string().nullable(),
    profiles: z.array(ProfileSummarySchema),
    /** A profile file that failed validation: named so the UI can say which file and field. */
    configError: z.object({ file: z.string(), message: z.string() }).strict().optional(),
  })
  .strict();
export type Profiles = z.infer<typeof ProfilesSchema>;

/** The user's app settings, kept by main (src/main/settings/settings-store.ts). */
export const ThemeSettingSchema = z.enum(['system', 'light', 'dark']);
export const SettingsSchema = z
  .object({
    /** 'system' follows the OS languages (app.getPreferredSystemLanguages()). */
    language: z.enum(LANGUAGE_SETTINGS),
    /** 'system' follows the OS (nativeTheme.themeSource). */
    theme: ThemeSettingSchema,
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;
export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
export const SettingsViewSchema = z
  .object({
    settings: SettingsSchema,
    /** False when the settings live in memory only (no app data folder). */
    persisted: z.boolean(),
    /** The settings file could not be read: defaults apply, the file is kept. */
    problem: AppErrorSchema.optional(),
  })
  .strict();
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** What the About panel shows. Versions are null outside Electron (tests, tools). */
export const AboutInfoSchema = z
  .object({
    name: z.string().max(100),
    version: z.string().max(50),
    electron: z.string().max(50).nullable(),
    chromium: z.string().max(50).nullable(),
    node: z.string().max(50),
    licence: z.string().max(100),
    isDevelopment: z.boolean(),
  })
  .strict();
export type AboutInfo = z.infer<typeof AboutInfoSchema>;

/** Commands main sends the window (from the application menu). */
export const AppCommandSchema = z
  .object({ command: z.enum(['open-settings', 'show-about', 'sign-out']) })
  .strict();
export type AppCommand = z.infer<typeof AppCommandSchema>;

/** "Export diagnostics...": saved where the user chose, or nothing (the dialog was cancelled). */
export const DiagnosticsExportResultSchema = z.discriminatedUnion('saved', [
  z.object({ saved: z.literal(true), file: z.string().max(4096) }).strict(),
  z.object({ saved: z.literal(false) }).strict(),
]);
export type DiagnosticsExportResult = z.infer<typeof DiagnosticsExportResultSchema>;

/** What the UI shows about updates (src/main/updates/update-controller.ts UpdateState). */
export const UpdateStateSchema = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('off'),
      reason: z.enum([
        'policy-off',
        'no-feed',
        'development',
        'feed-not-https',
        // macOS: this copy has no Developer ID signature, or it could not be verified.
        'needs-signed-build',
        'signature-unverified',
      ]),
      /** With the two macOS reasons: what the UI shows, in plain words (main writes it). */
      code: z.enum(['UPDATES_NEED_SIGNED_BUILD', 'UPDATES_SIGNATURE_UNVERIFIED']).optional(),
      message: z.string().max(500).optional(),
    })
    .strict(),
  z.object({ status: z.literal('idle'), lastCheckedAt: z.number().optional() }).strict(),
  z.object({ status: z.literal('checking') }).strict(),
  z.object({ status: z.literal('downloading'), version: z.string().max(100) }).strict(),
  z.object({ status: z.literal('ready'), version: z.string().max(100) }).strict(),
  z.object({ status: z.literal('error'), message: z.string().max(500), lastCheckedAt: z.number() }).strict(),
]);
export type UpdateStateView = z.infer<typeof UpdateStateSchema>;

/**
 * What the Settings screen shows about the organisation policy: for each setting a policy can fix,
 * whether it is managed (the UI then says "Managed by your organisation") and the value in force.
 * Policy values are URLs, host names and flags, never secrets (a proxy URL cannot hold credentials).
 */
export const PolicyViewSchema = z
  .object({
    sources: z
      .array(z.object({ scope: z.enum(['machine', 'user']), source: z.string().max(500) }).strict())
      .max(4),
    /** The policy did not validate: nobody is signed in (the error screen names source and key). */
    failed: z.boolean(),
    userProfiles: z.object({ managed: z.boolean(), allowed: z.boolean() }).strict(),
    proxy: z
      .object({
        managed: z.boolean(),
        value: z
          .union([
            z.literal('system'),
            z.object({ url: z.string().max(2048), bypass: z.array(z.string().max(253)).max(100) }).strict(),
          ])
          .nullable(),
      })
      .strict(),
    updates: z
      .object({
        managed: z.boolean(),
        enabled: z.boolean().nullable(),
        feedUrl: z.string().max(2048).nullable(),
      })
      .strict(),
    logLevel: z
      .object({ managed: z.boolean(), value: z.enum(['error', 'warn', 'info', 'debug']).nullable() })
      .strict(),
    memoryOnlySignIn: z.object({ managed: z.boolean(), allowed: z.boolean() }).strict(),
  })
  .strict();
export type PolicyView = z.infer<typeof PolicyViewSchema>;

/**
 * The Admin page on the user pool (src/main/aws/cognito-admin.ts). Usernames and group names as
 * Cognito allows them (letters, marks, symbols, digits, punctuation; no spaces or controls).
 */
const CognitoName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u);
/** A prefix search on one of the attributes ListUsers can filter by; main builds the Filter. */
export const AdminUserSearchSchema = z
  .object({
    attribute: z.enum([
      'username',
      'email',
      'name',
      'given_name',
      'family_name',
      'preferred_username',
      'sub',
    ]),
    prefix: z
      .string()
      .max(256)
      .regex(/^[^"\\\p{Cc}]*$/u, 'no quotes, backslashes or control characters'),
  })
  .strict();
export type AdminUserSearch = z.infer<typeof AdminUserSearchSchema>;
export const AdminPoolUserSchema = z
  .object({
    username: z.string().max(256),
    sub: z.string().max(256),
    email: z.string().max(320).optional(),
    enabled: z.boolean(),
    /** Cognito's UserStatus: CONFIRMED, FORCE_CHANGE_PASSWORD, EXTERNAL_PROVIDER, ... */
    status: z.string().max(64),
    createdAt: z.number().nullable(),
    modifiedAt: z.number().nullable(),
  })
  .strict();
export type AdminPoolUser = z.infer<typeof AdminPoolUserSchema>;
export const AdminPoolUserDetailSchema = AdminPoolUserSchema.extend({
  groups: z.array(z.string().max(256)).max(600),
  attributes: z.array(z.object({ name: z.string().max(128), value: z.string().max(2048) }).strict()).max(100),
}).strict();
export type AdminPoolUserDetail = z.infer<typeof AdminPoolUserDetailSchema>;
export const AdminUserListSchema = z
  .object({
    users: z.array(AdminPoolUserSchema).max(60),
    /** ListUsers' PaginationToken for the next page (opaque, not a credential); null on the last. */
    paginationToken: z.string().max(4096).nullable(),
  })
  .strict();
export type AdminUserList = z.infer<typeof AdminUserListSchema>;
export const AdminGroupSchema = z
  .object({ name: z.string().max(256), description: z.string().max(2048).optional() })
  .strict();
export type AdminGroup = z.infer<typeof AdminGroupSchema>;
export const AdminChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add-to-group'), group: CognitoName }).strict(),
  z.object({ op: z.literal('remove-from-group'), group: CognitoName }).strict(),
  z.object({ op: z.literal('disable') }).strict(),
  z.object({ op: z.literal('enable') }).strict(),
  z.object({ op: z.literal('global-sign-out') }).strict(),
]);
export const AdminChangeRequestSchema = z
  .object({ username: CognitoName, change: AdminChangeSchema })
  .strict();
export type AdminChangeRequest = z.infer<typeof AdminChangeRequestSchema>;

/** "Devices and sessions" (ListUserSessions with the user's own access token). */
export const UserSessionSchema = z
  .object({
    sessionId: z.string().max(256),
    deviceType: z.string().max(512).nullable(),
    createdAt: z.number().nullable(),
    lastActiveAt: z.number().nullable(),
    lastLocation: z.string().max(256).nullable(),
    current: z.boolean(),
  })
  .strict();
export type UserSession = z.infer<typeof UserSessionSchema>;
export const UserSessionListSchema = z.object({ sessions: z.array(UserSessionSchema).max(200) }).strict();
export type UserSessionList = z.infer<typeof UserSessionListSchema>;

/**
 * Which of the profile's signInOptions (absent: the first, or the plain Hosted UI), and the app's
 * language for Cognito's managed login: what a sign-in (and a "Sign in again") is asked with.
 */
export const SignInRequestSchema = z
  .object({
    signInOption: z.number().int().min(0).max(9).optional(),
    lang: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/)
      .optional(),
  })
  .strict();

export const invokeChannels = {
  'auth:sign-in': {
    request: SignInRequestSchema,
    response: SessionStateSchema,
  },
  // "Sign in again" (the session's end is near): a new sign-in beside the current session, which
  // goes on until the new one is saved. Signed out, a sign-in. Same choice as auth:sign-in.
  'auth:sign-in-again': {
    request: SignInRequestSchema,
    response: SessionStateSchema,
  },
  // The pending attempt's authorize URL ("Copy sign-in link"); null when no sign-in is pending.
  // It holds no secret: the PKCE verifier never leaves main.
  'auth:sign-in-link': {
    request: Empty,
    response: z
      .object({ url: z.string().max(8192) })
      .strict()
      .nullable(),
  },
  'auth:cancel-sign-in': { request: Empty, response: z.null() },
  'auth:reopen-browser': { request: Empty, response: z.null() },
  // Managed login's /passkeys/add in the system browser (profile managedLogin 2 only).
  'auth:add-passkey': { request: Empty, response: z.null() },
  'auth:sign-out': {
    request: z.object({ endHostedUiSession: z.boolean() }).strict(),
    response: SessionStateSchema,
  },
  'session:get-state': { request: Empty, response: SessionStateSchema },
  /** "Retry now" while offline: the session's online() (a refresh at once, backoff reset); null. */
  'session:retry-now': { request: Empty, response: z.null() },
  'profiles:list': { request: Empty, response: ProfilesSchema },
  'profiles:switch': {
    request: z.object({ profileId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) }).strict(),
    response: ProfilesSchema,
  },
  'api:request': { request: ApiRequestSchema, response: ApiResponseSchema },
  'api:cancel-request': { request: z.object({ requestId: RequestId }).strict(), response: z.null() },
  /** The OS's preferred languages, most preferred first (app.getPreferredSystemLanguages()). */
  'system:preferred-languages': {
    request: Empty,
    response: z.array(z.string().max(64)).max(32),
  },
  'app:about': { request: Empty, response: AboutInfoSchema },
  'settings:get': { request: Empty, response: SettingsViewSchema },
  'settings:update': { request: SettingsPatchSchema, response: SettingsViewSchema },
  /** Main shows the save dialog and writes the bundle (src/main/diagnostics); the page gets the outcome. */
  'diagnostics:export': { request: Empty, response: DiagnosticsExportResultSchema },
  'updates:get-state': { request: Empty, response: UpdateStateSchema },
  /** Only the user's click restarts; refused (coded) when nothing is ready or a sign-in is running. */
  'updates:restart': { request: Empty, response: z.null() },
  'policy:get': { request: Empty, response: PolicyViewSchema },
  /** Adds or replaces (same id) one of the user's own profiles; validated by main with the profile schema. */
  'profiles:save': {
    request: z.object({ profile: z.record(z.string().max(64), JsonValue) }).strict(),
    response: ProfilesSchema,
  },
  'profiles:remove': {
    request: z.object({ profileId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) }).strict(),
    response: ProfilesSchema,
  },
  // The Admin page on the user pool (profiles with an identity pool): main signs with the admin's
  // AWS credentials; none of them, and no token, crosses. Changes are confirmed in a native dialog.
  'aws:admin-list-users': {
    request: z
      .object({
        search: AdminUserSearchSchema.optional(),
        paginationToken: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    response: AdminUserListSchema,
  },
  'aws:admin-get-user': {
    request: z.object({ username: CognitoName }).strict(),
    response: AdminPoolUserDetailSchema,
  },
  'aws:admin-list-groups': {
    request: Empty,
    response: z.object({ groups: z.array(AdminGroupSchema).max(60) }).strict(),
  },
  /** Refused NOT_CONFIRMED (nothing sent) unless the person confirms in main's dialog. */
  'aws:admin-change': { request: AdminChangeRequestSchema, response: AdminPoolUserDetailSchema },
  /** GlobalSignOut with the user's access token, then this device signs out (confirmed in a dialog). */
  'account:sign-out-everywhere': { request: Empty, response: SessionStateSchema },
  'account:list-sessions': { request: Empty, response: UserSessionListSchema },
  'account:revoke-session': {
    request: z
      .object({
        sessionId: z
          .string()
          .min(1)
          .max(256)
          .regex(/^[\w:.-]+$/),
      })
      .strict(),
    response: UserSessionListSchema,
  },
} as const;

export const eventChannels = {
  'session:changed': SessionStateSchema,
  'settings:changed': SettingsViewSchema,
  'app:command': AppCommandSchema,
  'updates:changed': UpdateStateSchema,
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type RequestOf<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>;
export type EventOf<C extends EventChannel> = z.infer<(typeof eventChannels)[C]>;
