#!/usr/bin/env bash
# A config -> db -> server chain: each module reads the shape the one before produces.
. "$(dirname "$0")/../_shared/repo.sh"
package orders-service
file src/config.js <<'JS'
/** Reads the service's configuration from the environment. */
export function loadConfig(env = process.env) {
  return { dbUrl: env.DB_URL ?? 'postgres://localhost:5432/orders', port: Number(env.PORT ?? 3000) };
}
JS
file src/db.js <<'JS'
/** Connection options for the database client, from the configuration. */
export function connectionOptions(config) {
  const url = new URL(config.dbUrl);
  return { host: url.hostname, port: Number(url.port), database: url.pathname.slice(1) };
}
JS
file src/server.js <<'JS'
import { loadConfig } from './config.js';
import { connectionOptions } from './db.js';

/** What the server logs when it starts. */
export function startupBanner(env = process.env) {
  const config = loadConfig(env);
  const db = connectionOptions(config);
  return `listening on ${config.port}, database ${db.database} at ${db.host}:${db.port} (${config.dbUrl})`;
}
JS
file test/server.test.js <<'JS'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startupBanner } from '../src/server.js';

test('names the port and the database', () => {
  const banner = startupBanner({ DB_URL: 'postgres://db.internal:6543/shop', PORT: '8080' });
  assert.match(banner, /listening on 8080, database shop at db\.internal:6543/);
});
JS
finish_repo
