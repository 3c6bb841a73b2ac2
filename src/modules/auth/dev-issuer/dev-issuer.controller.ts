import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DEV_JWKS_PATH, DevIssuer } from './dev-issuer';

/** OpenID discovery and JWKS of the development issuer (only without AUTH_ISSUER). */
@ApiExcludeController()
@Controller()
export class DevIssuerController {
  constructor(private readonly issuer: DevIssuer) {}

  @Get('.well-known/openid-configuration')
  @Header('Cache-Control', 'no-store')
  discovery() {
    return this.issuer.discoveryDocument();
  }

  @Get(DEV_JWKS_PATH.slice(1))
  @Header('Cache-Control', 'no-store')
  jwks() {
    return this.issuer.jwks();
  }
}
