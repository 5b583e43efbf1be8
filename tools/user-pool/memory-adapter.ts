import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

/**
 * One pool's storage for oidc-provider (sessions, codes, refresh tokens, grants...). Each pool gets
 * its own maps: oidc-provider's bundled memory adapter is one LRU shared by every provider in the
 * process, so pools started by parallel tests would see each other's tokens.
 */
export function createMemoryAdapterFactory(now: () => number = () => Date.now()): {
  factory: AdapterFactory;
  /** Live (unexpired) entries of one model, for admin operations such as global sign-out. */
  entries: (name: string) => Array<[string, AdapterPayload]>;
  /** When (ms) a token was first consumed (a rotated refresh token), or undefined. */
  consumedAt: (name: string, id: string) => number | undefined;
  /** Makes a consumed token usable again (rotation's retry grace period); its first consumption time stays. */
  unconsume: (name: string, id: string) => void;
  clear: () => void;
} {
  const models = new Map<string, Map<string, Entry>>();
  const consumedAtMs = new Map<string, number>(); // "model:id" -> first consumption, ms
  const grantIndex = new Map<string, Set<string>>(); // grantId -> "model:id"

  function store(name: string): Map<string, Entry> {
    let map = models.get(name);
    if (!map) {
      map = new Map();
      models.set(name, map);
    }
    return map;
  }

  function live(name: string, id: string): Entry | undefined {
    const map = store(name);
    const entry = map.get(id);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= now()) {
      map.delete(id);
      return undefined;
    }
    return entry;
  }

  const factory: AdapterFactory = (name: string): Adapter => ({
    async upsert(id, payload, expiresIn) {
      store(name).set(id, {
        payload: { ...payload },
        expiresAt: expiresIn ? now() + expiresIn * 1000 : undefined,
      });
      if (payload.grantId) {
        let ids = grantIndex.get(payload.grantId);
        if (!ids) {
          ids = new Set();
          grantIndex.set(payload.grantId, ids);
        }
        ids.add(`${name}:${id}`);
      }
    },
    async find(id) {
      const entry = live(name, id);
      return entry ? { ...entry.payload } : undefined;
    },
    async findByUserCode(userCode) {
      for (const [id, entry] of store(name)) {
        if (entry.payload.userCode === userCode) return live(name, id)?.payload;
      }
      return undefined;
    },
    async findByUid(uid) {
      for (const [id, entry] of store(name)) {
        if (entry.payload.uid === uid) return live(name, id)?.payload;
      }
      return undefined;
    },
    async consume(id) {
      const entry = live(name, id);
      if (!entry) return;
      entry.payload.consumed = Math.floor(now() / 1000);
      if (!consumedAtMs.has(`${name}:${id}`)) consumedAtMs.set(`${name}:${id}`, now());
    },
    async destroy(id) {
      store(name).delete(id);
    },
    async revokeByGrantId(grantId) {
      const ids = grantIndex.get(grantId);
      if (!ids) return;
      const prefix = `${name}:`;
      for (const key of ids) {
        if (!key.startsWith(prefix)) continue;
        store(name).delete(key.slice(prefix.length));
        ids.delete(key);
      }
      if (ids.size === 0) grantIndex.delete(grantId);
    },
  });

  return {
    factory,
    entries: (name) =>
      [...store(name).keys()].flatMap((id) => {
        const entry = live(name, id);
        return entry ? [[id, entry.payload] as [string, AdapterPayload]] : [];
      }),
    consumedAt: (name, id) =>
      live(name, id)?.payload.consumed ? consumedAtMs.get(`${name}:${id}`) : undefined,
    unconsume: (name, id) => {
      const entry = live(name, id);
      if (entry) delete entry.payload.consumed;
    },
    clear: () => {
      consumedAtMs.clear();
      models.clear();
      grantIndex.clear();
    },
  };
}
