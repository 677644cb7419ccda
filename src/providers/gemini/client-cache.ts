import type { ApiKey } from '../../keys/api-key.js';

/**
 * Returns a function that gives the SDK client of a key, building it with
 * `create` on first use and reusing it afterwards (one client per key name;
 * rebuilt if a key of the same name comes with another secret, told apart by
 * its fingerprint).
 */
export function clientPerKey<Client>(create: (key: ApiKey) => Client): (key: ApiKey) => Client {
  const clients = new Map<string, { readonly fingerprint: string; readonly client: Client }>();
  return (key) => {
    const cached = clients.get(key.name);
    if (cached !== undefined && cached.fingerprint === key.fingerprint) return cached.client;
    const client = create(key);
    clients.set(key.name, { fingerprint: key.fingerprint, client });
    return client;
  };
}
