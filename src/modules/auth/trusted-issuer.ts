export class UnknownSigningKeyError extends Error {}
export class IssuerUnreachableError extends Error {}

/**
 * The one issuer whose access tokens are accepted: AUTH_ISSUER (RemoteIssuer),
 * or without it the service itself (DevIssuer).
 */
export abstract class TrustedIssuer {
  /** What `iss` must equal. */
  abstract get url(): string;

  /** The PEM public key of `kid`; throws UnknownSigningKeyError or IssuerUnreachableError. */
  abstract publicKeyFor(kid: string | undefined): Promise<string>;
}
