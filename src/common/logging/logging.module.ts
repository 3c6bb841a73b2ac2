import { DynamicModule, Global, Module } from '@nestjs/common';
import type { DestinationStream, Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { PinoNestLogger, createRootLogger } from './app-logger';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** One pino logger per application (its level and stream from that application's start), and Nest's logger on it. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const root = createRootLogger(config, destination);
    return {
      module: LoggingModule,
      providers: [
        { provide: ROOT_LOGGER, useValue: root },
        { provide: PinoNestLogger, useValue: new PinoNestLogger(root) },
      ],
      exports: [ROOT_LOGGER, PinoNestLogger],
    };
  }
}

export type RootLogger = Logger;
