import type { Piece } from '../settings.js';
import { OPENCODE_CONFIG, opencodeMayOwn } from './opencode-config.js';

/**
 * The clients' config files the pack merges entries into, each with what an install record may claim as the
 * pack's there (see settings-claims.ts): a record naming another file, or another entry, is not believed.
 */
export const CONFIG_CLAIMS: Readonly<Record<string, (piece: Piece) => boolean>> = {
  [OPENCODE_CONFIG]: opencodeMayOwn,
};
