import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { DataSourceProvider } from '../database/unit-of-work';

const HOUR_MS = 3_600_000;

/**
 * How often a client or an address may ask for e-mailed links (password reset, sign-in link,
 * registration): `security.link_requests_per_hour` each, counted in fixed one-hour windows in the
 * same table as the sign-in throttle, so every node sees the same counts. Every request counts,
 * whether or not the address belongs to anyone, so the limit itself tells nothing.
 */
@Injectable()
export class LinkRequestLimit {
  constructor(
    private readonly db: DataSourceProvider,
    private readonly config: ConfigService,
  ) {}

  /** Counts one request for each key; false when any of them is over the limit. */
  async allow(purpose: string, ip: string, address: string): Promise<boolean> {
    const now = Date.now();
    const keys = [`link:${purpose}:ip:${ip}`, `link:${purpose}:to:${address.trim().toLowerCase().slice(0, 200)}`];
    const rows: Array<{ points: number }> = await this.db.dataSource.query(
      `INSERT INTO login_throttle (key, points, expire) SELECT key, 1, $3 FROM unnest($1::text[]) AS key
       ON CONFLICT (key) DO UPDATE SET
         points = CASE WHEN login_throttle.expire > $2 THEN login_throttle.points + 1 ELSE 1 END,
         expire = CASE WHEN login_throttle.expire > $2 THEN login_throttle.expire ELSE $3 END
       RETURNING points`,
      [keys, now, now + HOUR_MS],
    );
    const limit = this.config.get('security.link_requests_per_hour');
    return rows.every((row) => row.points <= limit);
  }
}
