import { Type } from 'class-transformer';
import { Allow, IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ZitadelError } from '../errors/zitadel-error';
import { KeepRaw } from './rules';
import { validateRequest } from './validate-request';

class Link {
  @IsOptional()
  @IsString()
  urlTemplate?: string;
}

class Item {
  @IsString()
  name!: string;
}

class Message {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Link)
  sendCode?: Link;

  @IsOptional()
  @Allow()
  @KeepRaw()
  data?: unknown;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Item)
  items?: Item[];
}

function refusal(input: unknown): ZitadelError {
  try {
    validateRequest(Message, input);
  } catch (error) {
    if (error instanceof ZitadelError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('validateRequest and JSON null (protojson: null is "not set")', () => {
  it('drops a null message field, at any depth', () => {
    const request = validateRequest(Message, { sendCode: null });
    expect('sendCode' in request).toBe(false);
    const nested = validateRequest(Message, { sendCode: { urlTemplate: null } });
    expect(nested.sendCode).toBeInstanceOf(Link);
    expect('urlTemplate' in nested.sendCode!).toBe(false);
  });

  it('drops a null Struct field but keeps the nulls inside a Struct value', () => {
    expect('data' in validateRequest(Message, { data: null })).toBe(false);
    const request = validateRequest(Message, { data: { a: null, b: [null, { c: null }] } });
    expect(request.data).toEqual({ a: null, b: [null, { c: null }] });
  });

  it('still refuses an unknown field that is null', () => {
    expect(refusal({ unknown: null }).message).toContain('Message.Unknown: unknown field');
  });

  it('still refuses a null element of a list', () => {
    expect(refusal({ items: [null] }).message).toContain('Message.Items');
  });
});
