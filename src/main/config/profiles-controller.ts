import type { Profiles } from '../../shared/ipc-contract';

/** What the IPC handlers need from profile management (implemented by the Electron shell issue). */
export interface ProfilesController {
  list(): Profiles;
  /** Switches the active profile (each profile keeps its own keychain entry) and returns the new list. */
  switchTo(profileId: string): Promise<Profiles>;
}
