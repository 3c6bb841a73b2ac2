import { getMetadataStorage } from 'class-validator';

const declaredByClass = new WeakMap<Function, ReadonlySet<string>>();

/** The properties a request class declares: those with at least one rule, which is also what class-validator's whitelist accepts. */
function declaredProperties(type: Function): ReadonlySet<string> {
  let declared = declaredByClass.get(type);
  if (!declared) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
    declared = new Set(rules.map((rule) => rule.propertyName));
    declaredByClass.set(type, declared);
  }
  return declared;
}

/**
 * protojson, which ZITADEL's gateway decodes with, reads a JSON null as "not
 * set" for every field but a google.protobuf.Value: `"sendCode": null` is no
 * sendCode, `"data": null` leaves the data alone. class-validator's
 * IsOptional would let null through to the services instead, so null fields
 * are removed from the request instance first.
 *
 * Only fields the class declares are removed: an unknown field is refused
 * whatever its value, as before. Only request-class instances are walked, never
 * a raw Struct value (user data, a schema), where null is a value of its own.
 * Null elements of a list stay, and fail validation: protojson refuses them too.
 */
export function removeNullFields(request: object): void {
  const stack: unknown[] = [request];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      stack.push(...current);
      continue;
    }
    // A plain object is raw JSON (a Struct value), not a request message.
    const type: unknown = Object.getPrototypeOf(current)?.constructor;
    if (typeof type !== 'function' || type === Object) continue;
    const declared = declaredProperties(type);
    const fields = current as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (fields[key] === null) {
        if (declared.has(key)) delete fields[key];
      } else {
        stack.push(fields[key]);
      }
    }
  }
}
