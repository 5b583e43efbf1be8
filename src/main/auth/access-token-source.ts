/**
 * What the bearer HTTP client needs from the session engine, and nothing more. Both methods
 * throw AppError (SIGN_IN_REQUIRED, SESSION_EXPIRED, IDP_UNREACHABLE, ...) on failure, never a
 * library error, and never put a token in an error message.
 */
export interface AccessTokenSource {
  /** An access token valid for at least the refresh margin; refreshes (single-flight) if needed. */
  getAccessToken(): Promise<string>;
  /**
   * After an API answered 401 invalid_token to `rejectedToken`: refresh once unless a newer token
   * than the rejected one is already available, sharing any refresh already in flight.
   */
  forceRefresh(rejectedToken: string): Promise<string>;
  /**
   * The ID token, for APIs whose profile entry says `token: "id"` (API Gateway user-pool
   * authorizers without scopes); same freshness and refresh rules as the access token.
   */
  getIdToken?(): Promise<string>;
  /** forceRefresh() for an ID token the API rejected. */
  forceRefreshIdToken?(rejectedToken: string): Promise<string>;
}
