/** An error the API answers with its status and a stable code; never a 5xx. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues: ReadonlyArray<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

export const unauthorized = (message = 'log in or send an API token') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const badRequest = (field: string, message: string) =>
  new HttpError(400, 'invalid_request', `${field}: ${message}`, [{ field, message }]);
export const conflict = (field: string, message: string) =>
  new HttpError(409, 'conflict', `${field}: ${message}`, [{ field, message }]);
