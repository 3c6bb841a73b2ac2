import { invalidArgument } from '../../common/errors/zitadel-error';
import { isJsonObject, jsonDepth } from '../../common/json/json-limits';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './schema-compiler';

/**
 * A user's data must be a JSON object (InvalidArgument COMMAND-7o3ZGxtXUz) and
 * stay within the depth and size that schema validation handles cheaply.
 */
export function checkUserData(data: unknown): Record<string, unknown> {
  if (!isJsonObject(data)) throw invalidArgument('COMMAND-7o3ZGxtXUz', 'user data must be a JSON object');
  if (jsonDepth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw invalidArgument('USER-DataDepth', `user data nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (Buffer.byteLength(JSON.stringify(data), 'utf8') > MAX_JSON_BYTES) {
    throw invalidArgument('USER-DataSize', `user data is larger than ${MAX_JSON_BYTES} bytes`);
  }
  return data;
}
