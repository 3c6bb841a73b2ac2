import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { invalidArgument, ZitadelError } from '../errors/zitadel-error';
import { boundedRequest } from '../json/json-limits';
import { removeNullFields } from './null-fields';
import { restoreRawProperties } from './rules';
import { cacheValidationMetadata } from './validation-metadata-cache';

cacheValidationMetadata();

/**
 * Validates a request of any transport against its request class, the way
 * ZITADEL's protoc-gen-validate interceptor does, and returns the typed request.
 * The application services call this, so REST, gRPC and gRPC-web share the
 * same rules and the same error ids. Unknown fields are refused.
 */
export function validateRequest<T extends object>(type: new () => T, input: unknown): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidArgument(`VALIDATION-${type.name}`, `invalid ${type.name}: the request must be a JSON object`);
  }
  // Before anything recursive: class-transformer and class-validator overflow the stack on deep JSON.
  const bounded = boundedRequest(input);
  const request = plainToInstance(type, bounded, { exposeDefaultValues: false });
  restoreRawProperties(request, bounded);
  removeNullFields(request);
  const errors = validateSync(request, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw toZitadelError(type.name, errors[0]);
  return request;
}

function toZitadelError(messageName: string, error: ValidationError, path: string[] = []): ZitadelError {
  const here = [...path, pascal(error.property)];
  if (error.children && error.children.length > 0 && !error.constraints) {
    return toZitadelError(messageName, error.children[0], here);
  }
  const constraints = error.constraints ?? {};
  const reason = constraints.whitelistValidation
    ? 'unknown field'
    : (Object.values(constraints)[0] ?? 'invalid value');
  const field = `${messageName}.${here.join('.')}`;
  return invalidArgument(`VALIDATION-${field}`, `invalid ${field}: ${reason}`);
}

function pascal(property: string): string {
  return /^\d+$/.test(property) ? `[${property}]` : property.charAt(0).toUpperCase() + property.slice(1);
}
