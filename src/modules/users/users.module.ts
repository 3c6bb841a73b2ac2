import { Module } from '@nestjs/common';
import { MASTER_KEY } from '../../common/crypto/crypto.module';
import { AuthModule } from '../auth/auth.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SchemaCompiler } from './schema-compiler';
import { UserContactsService } from './user-contacts.service';
import { UserRepository } from './user.repository';
import { UserSchemaRepository } from './user-schema.repository';
import { UserSchemasController } from './user-schemas.controller';
import { UserSchemasGrpc } from './user-schemas.grpc';
import { UserSchemasService } from './user-schemas.service';
import { UsersController } from './users.controller';
import { UsersGrpc } from './users.grpc';
import { UsersService } from './users.service';
import { VerificationCodeRepository } from './verification-code.repository';
import { VerificationCodeHasher } from './verification-codes';

@Module({
  imports: [AuthModule, NotificationsModule],
  controllers: [UserSchemasController, UsersController, UserSchemasGrpc, UsersGrpc],
  providers: [
    UserSchemasService,
    UsersService,
    UserContactsService,
    UserSchemaRepository,
    UserRepository,
    VerificationCodeRepository,
    SchemaCompiler,
    { provide: VerificationCodeHasher, inject: [MASTER_KEY], useFactory: (masterKey: string) => new VerificationCodeHasher(masterKey) },
  ],
  exports: [UserSchemasService, UsersService, UserContactsService],
})
export class UsersModule {}
