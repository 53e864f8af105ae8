/** Errors a console route throws; server.ts turns each into its status and page. */

/** The object does not exist, or belongs to another seller (both are 404: nothing is revealed). */
export class NotFoundError extends Error {
  constructor(message = 'not found') {
    super(message);
  }
}

/** The user's role may not do this (an operator-only action). 403. */
export class ForbiddenError extends Error {
  constructor(message = 'operators only') {
    super(message);
  }
}
