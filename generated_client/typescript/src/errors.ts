/**
 * One shallow hierarchy of errors rooted in M7Error, the same classes as the Python client:
 * fix the credentials (AuthError), fix the request (RequestError), tell the supervisor the
 * call does not allow the action (CallStateError), wait (RateLimited), or report the
 * incident (ServerError, TransportError). Texts never contain the secret key.
 */
import type { components } from "./schema.js";

export type FieldError = components["schemas"]["FieldError"];

export interface M7ErrorDetails {
  status?: number | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  actionId?: string | undefined;
  errors?: readonly FieldError[] | undefined;
  retryAfter?: number | undefined;
}

export class M7Error extends Error {
  override name = "M7Error";
  readonly status: number | undefined;
  /** The envelope's code: "401", "40903", ... */
  readonly code: string | undefined;
  /** The id to quote when reporting a problem. */
  readonly requestId: string | undefined;
  readonly actionId: string | undefined;
  readonly errors: readonly FieldError[];
  /** Seconds the server asked to wait (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(message: string, details: M7ErrorDetails = {}) {
    super(details.code ? `${details.code}: ${message}` : message);
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.actionId = details.actionId;
    this.errors = details.errors ?? [];
    this.retryAfter = details.retryAfter;
  }
}

/** 401: the server refused the signature, app key, timestamp or nonce. */
export class AuthError extends M7Error {
  override name = "AuthError";
}
/** The request itself is wrong (400, 404 path, 405, 413, 415): do not resend it as is. */
export class RequestError extends M7Error {
  override name = "RequestError";
}
/** The call center's state forbids the action (40001, 40301, 40401, 40402, 4090x). */
export class CallStateError extends M7Error {
  override name = "CallStateError";
}
/** 429: too many requests; retryAfter says how long to wait. */
export class RateLimited extends M7Error {
  override name = "RateLimited";
}
/** 5xx, or a body that is not the documented envelope. */
export class ServerError extends M7Error {
  override name = "ServerError";
}
/** No HTTP response. requestSent false: it surely never left, so nothing happened. */
export class TransportError extends M7Error {
  override name = "TransportError";
  constructor(
    message: string,
    readonly requestSent: boolean,
  ) {
    super(message);
  }
}

/** The class for a failure: the HTTP status decides, a five-digit code marks call state. */
export function errorClass(status: number, code: string): typeof M7Error {
  if (status === 401) return AuthError;
  if (status === 429) return RateLimited;
  if (status >= 500) return ServerError;
  if (status === 403 || status === 409 || /^[0-9]{5}$/.test(code)) return CallStateError;
  if (status >= 400) return RequestError;
  return M7Error;
}
