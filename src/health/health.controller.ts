import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { unavailable } from '../common/errors/zitadel-error';

/** Liveness and readiness for orchestrators. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('healthz')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready() {
    try {
      await this.dataSource.query('SELECT 1');
      if (await this.dataSource.showMigrations()) throw new Error('migrations pending');
    } catch {
      throw unavailable('HEALTH-Db0wn', 'database not ready');
    }
    return { status: 'ok', checks: { database: 'up', migrations: 'applied' } };
  }
}
