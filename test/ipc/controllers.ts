import type { SessionController } from '../../src/main/auth/session-controller';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import { AppError } from '../../src/shared/errors';
import type { Profiles } from '../../src/shared/ipc-contract';
import type { SessionState } from '../../src/shared/session-state';

/**
 * In-memory session and profile controllers for the IPC-boundary tests: they record every
 * call so a test can assert what reached them (and, for invalid payloads, that nothing did).
 * The sign-in engine itself is tested in test/auth against the local user pool.
 */
export class RecordingSession implements SessionController {
  calls: Array<{ method: string; args: unknown[] }> = [];
  private listeners = new Set<(state: SessionState) => void>();
  state: SessionState = { status: 'signed-out', reason: 'none', storage: { kind: 'keychain' } };

  private record(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }

  setState(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  async signIn(): Promise<SessionState> {
    this.record('signIn');
    this.setState({
      status: 'signed-in',
      user: { sub: 'sub-1', username: 'alice', email: 'alice@example.com', groups: ['admin'] },
      accessTokenExpiresAt: Date.now() + 3_600_000,
      lastRefreshAt: Date.now(),
      connectivity: 'online',
      storage: { kind: 'keychain' },
    });
    return this.state;
  }
  async cancelSignIn(): Promise<void> {
    this.record('cancelSignIn');
  }
  async reopenBrowser(): Promise<void> {
    this.record('reopenBrowser');
    throw new AppError('SIGN_IN_REQUIRED', 'No sign-in is in progress.');
  }
  async signOut(options: { endHostedUiSession: boolean }): Promise<SessionState> {
    this.record('signOut', options);
    this.setState({ status: 'signed-out', reason: 'user', storage: { kind: 'keychain' } });
    return this.state;
  }
  getState(): SessionState {
    this.record('getState');
    return this.state;
  }
  onChanged(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  listenerCount(): number {
    return this.listeners.size;
  }
}

export class RecordingProfiles implements ProfilesController {
  calls: Array<{ method: string; args: unknown[] }> = [];
  value: Profiles = {
    activeProfileId: 'local',
    profiles: [
      {
        id: 'local',
        label: 'Local demo',
        demo: true,
        apis: [{ name: 'demo', baseUrl: 'http://127.0.0.1:1' }],
      },
      { id: 'other', label: 'Other', demo: false, apis: [] },
    ],
  };
  list(): Profiles {
    this.calls.push({ method: 'list', args: [] });
    return this.value;
  }
  async switchTo(profileId: string): Promise<Profiles> {
    this.calls.push({ method: 'switchTo', args: [profileId] });
    if (!this.value.profiles.some((p) => p.id === profileId)) {
      throw new AppError('CONFIG_INVALID', `No profile named "${profileId}".`);
    }
    this.value = { ...this.value, activeProfileId: profileId };
    return this.value;
  }
}
