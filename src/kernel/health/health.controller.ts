import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DatabaseService } from '../database/database.service';
import { Public } from '../security/permissions';

/** Liveness and readiness for load balancers, systemd and container health checks. */
@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseService) {}

  /** The process is up and serving HTTP. */
  @Get('healthz')
  @Public()
  health() {
    return { status: 'ok' };
  }

  /** The database answers and its schema is current; 503 otherwise, with the reason. */
  @Get('readyz')
  @Public()
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks = await this.database.readiness();
    const ready = checks.database && checks.migrations;
    res.status(ready ? 200 : 503);
    return { ready, ...checks, ...(ready ? {} : { state: this.database.state, error: this.database.lastError ?? null }) };
  }
}
