/**
 * m7-call-monitor for Node: a typed, signing client for the 7moor V7 call-monitoring
 * OpenAPI. Server-side only (see README.md): it holds the account's secret key.
 */
export {
  CallMonitor,
  type CallMonitorOptions,
  type ErrorEnvelope,
  type HangupChannelRequest,
  type ListenRequest,
  type LootCallRequest,
  type PickupChannelRequest,
  type Schemas,
  type SuccessEnvelope,
  type WhisperRequest,
} from "./client.js";
export {
  AuthError,
  CallStateError,
  M7Error,
  RateLimited,
  RequestError,
  ServerError,
  TransportError,
  type FieldError,
} from "./errors.js";
export type { components, operations, paths } from "./schema.js";
export { HEADER_NAMES, NonceSource, m7Auth, sign, signedHeaders, type SignedHeaders } from "./signing.js";
