import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenGuard } from './access-token.guard';
import { IssuerKeys } from './issuer-keys';
import { JwtStrategy } from './jwt.strategy';

@Global()
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [IssuerKeys, JwtStrategy, AccessTokenGuard],
  exports: [AccessTokenGuard, IssuerKeys],
})
export class AuthModule {}
