/**
 * An error the user can act on: the message says what is wrong, where, and what to do.
 * The launcher prints only the message (no stack trace) and exits with code 1.
 */
export class AiPackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AiPackError';
  }
}
