import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readOrCreatePrivateFile } from '../../../common/files/private-file';

export const DEV_ISSUER_KEY_FILE = 'dev-issuer.jwk.json';
export const DEV_ISSUER_ALG = 'ES256';

export interface DevIssuerKey {
  kid: string;
  privateKey: KeyObject;
  /** PEM (SPKI), what the JWT verifier takes. */
  publicKeyPem: string;
  /** The public JWK as the JWKS endpoint publishes it. */
  publicJwk: Record<string, string>;
}

/**
 * The development issuer's signing key: a P-256 key made once and kept as a
 * private JWK in DATA_DIR (0600). The server and `npm run token` both load it
 * through here, so whichever runs first creates it.
 */
export function loadOrCreateDevIssuerKey(dataDir: string): { key: DevIssuerKey; path: string; created: boolean } {
  const path = `${dataDir}/${DEV_ISSUER_KEY_FILE}`;
  const { content, created } = readOrCreatePrivateFile(path, () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
    return JSON.stringify({ ...jwk, kid: thumbprint(jwk), alg: DEV_ISSUER_ALG, use: 'sig' }, null, 2) + '\n';
  });
  let jwk: Record<string, string>;
  try {
    jwk = JSON.parse(content) as Record<string, string>;
  } catch {
    throw new Error(`${path} is not a JSON Web Key; delete it to make a new one (tokens signed with it stop working)`);
  }
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const { kty, crv, x, y } = jwk;
  return {
    path,
    created,
    key: {
      kid: jwk.kid ?? thumbprint(jwk),
      privateKey,
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      publicJwk: { kty, crv, x, y, kid: jwk.kid ?? thumbprint(jwk), alg: DEV_ISSUER_ALG, use: 'sig' },
    },
  };
}

/** RFC 7638 JWK thumbprint of an EC key: a stable key id. */
function thumbprint(jwk: Record<string, string>): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}
