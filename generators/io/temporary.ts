import { randomBytes } from 'node:crypto';
import { processIsAlive } from './processes.js';

/**
 * Temporary files (a new content before its rename, a lock before it is linked into place) are named after
 * their target and the run's process, so a later run can recognise and clear those a killed run left.
 */
const TEMP_NAME = /^\.(.+)\.ai-pack-(\d+)-[0-9a-f]{8}\.tmp$/;

/** A fresh temporary name for `name`, in the same folder. */
export function temporaryName(name: string): string {
  return `.${name}.ai-pack-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * True for a temporary file left by a run that was killed: ours by name, and its process is gone. Clearing
 * runs before a run writes any, so one of this very process is from an earlier, failed attempt in it.
 */
export function isLeftOverTemporary(name: string): boolean {
  const match = TEMP_NAME.exec(name);
  if (!match) return false;
  const owner = Number(match[2]);
  return owner === process.pid || !processIsAlive(owner);
}
