import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadinessService } from './readiness.service';

/**
 * Liveness and readiness for orchestrators, in terminus' JSON shape (what
 * operators' tooling expects), 503 when not ok. API routes keep ZITADEL's
 * error shape; these two are not API routes.
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('healthz')
  async live(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthCheckResult> {
    return answer(response, await this.readiness.live());
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthCheckResult> {
    return answer(response, await this.readiness.check());
  }
}

function answer(response: FastifyReply, result: HealthCheckResult): HealthCheckResult {
  response.code(result.status === 'ok' || result.status === 'degraded' ? 200 : 503);
  response.header('cache-control', 'no-store');
  return result;
}
