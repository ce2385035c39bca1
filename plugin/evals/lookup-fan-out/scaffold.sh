#!/usr/bin/env bash
# Three services over one database helper. Each service has several modules on the way from its
# input to `db.query`; in each, one function passes outside input on without `sanitize()`:
# web/search.js searchProducts, cli/import.js importRows, worker/replay.js replayJob.
. "$(dirname "$0")/../_shared/repo.sh"
package storefront
file lib/db.js <<'JS'
/** The database client: `query(sql)` runs one statement. */
export const db = { query: (sql) => ({ sql, rows: [] }) };
JS
file lib/sanitize.js <<'JS'
/** Escapes a value for an SQL string literal. */
export function sanitize(value) {
  return String(value).replace(/'/g, "''");
}
JS
file services/web/router.js <<'JS'
import { listOrders } from './orders.js';
import { searchProducts } from './search.js';
import { showProfile } from './profile.js';

/** Routes an HTTP request (`{ path, query, user }`) to its handler. */
export function route(request) {
  if (request.path === '/orders') return listOrders(request.user.id, request.query.status);
  if (request.path === '/search') return searchProducts(request.query.q);
  if (request.path === '/profile') return showProfile(request.user.id);
  return { status: 404 };
}
JS
file services/web/orders.js <<'JS'
import { db } from '../../lib/db.js';
import { sanitize } from '../../lib/sanitize.js';

export function listOrders(userId, status) {
  return db.query(`SELECT * FROM orders WHERE user_id = ${Number(userId)} AND status = '${sanitize(status)}'`);
}
JS
file services/web/search.js <<'JS'
import { db } from '../../lib/db.js';
import { normalise } from './text.js';

export function searchProducts(term) {
  const words = normalise(term);
  return db.query(`SELECT * FROM products WHERE name LIKE '%${words}%'`);
}
JS
file services/web/text.js <<'JS'
/** Lower case, single spaces: what search compares. */
export function normalise(text) {
  return String(text).toLowerCase().replace(/\s+/g, ' ').trim();
}
JS
file services/web/profile.js <<'JS'
import { db } from '../../lib/db.js';

export function showProfile(userId) {
  return db.query(`SELECT name, email FROM users WHERE id = ${Number(userId)}`);
}
JS
file services/cli/main.js <<'JS'
import { exportTable } from './export.js';
import { importRows } from './import.js';
import { readCsv } from './csv.js';

/** `storefront export <table>` or `storefront import <table> <file>`. */
export function main([command, table, file]) {
  if (command === 'export') return exportTable(table);
  if (command === 'import') return importRows(table, readCsv(file));
  throw new Error(`unknown command: ${command}`);
}
JS
file services/cli/export.js <<'JS'
import { db } from '../../lib/db.js';

const TABLES = new Set(['orders', 'products', 'users']);

export function exportTable(table) {
  if (!TABLES.has(table)) throw new Error(`no such table: ${table}`);
  return db.query(`SELECT * FROM ${table}`);
}
JS
file services/cli/import.js <<'JS'
import { db } from '../../lib/db.js';
import { sanitize } from '../../lib/sanitize.js';

export function importRows(table, rows) {
  for (const row of rows) {
    const values = row.map((value) => `'${sanitize(value)}'`).join(', ');
    db.query(`INSERT INTO ${table} VALUES (${values})`);
  }
}
JS
file services/cli/csv.js <<'JS'
/** Rows of a CSV text (no quoting). */
export function readCsv(text) {
  return String(text).split('\n').filter(Boolean).map((line) => line.split(','));
}
JS
file services/worker/queue.js <<'JS'
import { replayJob } from './replay.js';
import { sendReceipt } from './receipts.js';

/** Runs one job taken off the queue: `{ type, payload }`. */
export function handle(job) {
  if (job.type === 'receipt') return sendReceipt(job.payload.orderId);
  if (job.type === 'replay') return replayJob(job.payload);
  return null;
}
JS
file services/worker/receipts.js <<'JS'
import { db } from '../../lib/db.js';

export function sendReceipt(orderId) {
  return db.query(`SELECT * FROM orders WHERE id = ${Number(orderId)}`);
}
JS
file services/worker/replay.js <<'JS'
import { db } from '../../lib/db.js';
import { describe } from './log.js';

export function replayJob(payload) {
  describe(payload);
  return db.query(`UPDATE jobs SET state = 'queued' WHERE name = '${payload.name}'`);
}
JS
file services/worker/log.js <<'JS'
import { sanitize } from '../../lib/sanitize.js';

/** A log line for a job (sanitised for the log, not for the database). */
export function describe(payload) {
  return `job ${sanitize(payload.name)}`;
}
JS
finish_repo
