// The store port of the web console (issue #6): console sessions and the sign-in endpoint's pending
// role choices, shared by every Tessera node. Same conventions as port.ts (read its header): async,
// ids and timestamps made by the caller, `get…` resolves undefined, every acknowledged write durable,
// values returned as new objects. test/store/console-contract.ts is the executable form of this file.
//
// Neither a session cookie nor a pending-choice reference ever reaches the store: the caller hashes
// each (SHA-256) and the store keys rows by the hash, so a copy of the database cannot be replayed
// as cookies. Temporary credentials and pending SAML responses arrive sealed (AEAD) by the caller and
// are stored as the bytes given; the store never sees them in clear.

import type { Tag } from './port.js';

/** One browser's console session: what a sign-in at `POST /saml` produced. */
export interface ConsoleSession {
  readonly sessionIdHash: string;
  readonly createDate: Date;
  /** The credentials' expiration: the session ends with them. */
  readonly expiresAt: Date;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly sessionTags: readonly Tag[];
  /** `{accessKeyId, secretAccessKey, sessionToken}` sealed by the caller. */
  readonly credentialsSealed: Uint8Array;
  /** The synchronizer token every state-changing form of this session carries (security.md C2). */
  readonly csrfToken: string;
  /** The last SAML assertion received, decoded for display (JSON text; never used to authorize). */
  readonly assertionJson: string;
}

/**
 * A SAML response waiting for the person to choose a role (several Role pairs): a one-time reference,
 * bound to the browser that posted it (the hash of a pre-session cookie), short-lived.
 */
export interface PendingSignIn {
  readonly refHash: string;
  readonly browserHash: string;
  /** The posted SAMLResponse, sealed by the caller. */
  readonly responseSealed: Uint8Array;
  /** The RelayState as posted (checked again when used). */
  readonly relayState: string;
  readonly expiresAt: Date;
}

export interface ConsoleSessionRepository {
  /** ERR_STORE_CONFLICT when a session with this hash exists. */
  create(session: ConsoleSession): Promise<ConsoleSession>;
  /** The session, or undefined when absent or expired at `now`. */
  get(sessionIdHash: string, now: Date): Promise<ConsoleSession | undefined>;
  /** Ends a session (sign-out, or a new sign-in in the same browser); resolves whether one existed. */
  delete(sessionIdHash: string): Promise<boolean>;
  /**
   * Stores the one message the next page shows (the result of an action), replacing any earlier one.
   * Resolves false when the session is absent or expired at `now`.
   */
  setFlash(sessionIdHash: string, flash: string, now: Date): Promise<boolean>;
  /** Reads and clears the message in one atomic step: two requests never both show it. */
  takeFlash(sessionIdHash: string, now: Date): Promise<string | undefined>;
  /** Stores a pending role choice; ERR_STORE_CONFLICT when the reference exists. */
  putPending(pending: PendingSignIn): Promise<void>;
  /**
   * Deletes and returns the pending choice in one atomic step (one-time: of concurrent takes exactly
   * one gets it), or undefined when absent or expired at `now`.
   */
  takePending(refHash: string, now: Date): Promise<PendingSignIn | undefined>;
  /** Deletes sessions and pending choices that expired at or before `now`; resolves how many. */
  sweep(now: Date): Promise<number>;
}
