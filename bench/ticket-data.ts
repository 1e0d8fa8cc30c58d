import type { Client } from 'pg';

/*
 * Fills an Opora database (already migrated) with a desk of realistic shape, set-based in SQL:
 * 300 organisations, 20 work groups of 10 agents, 20,000 requesters, and `tickets` tickets over
 * three years — mostly incidents, mostly closed, a few percent open, new or waiting — with about
 * three messages each (a few long threads of 20+), Russian, Ukrainian, Uzbek and English words.
 * Indexes are dropped during the load and built again after (as a bulk load should), then the
 * search vectors are filled the way the application fills them, and the tables analysed.
 */

const WORDS = [
  'принтер', 'не', 'печатает', 'сеть', 'доступ', 'пароль', 'почта', 'сервер', 'ошибка', 'отчёт', 'касса', 'монитор',
  'клавіатура', 'мережа', 'пошта', 'звіт', 'помилка', 'доступу', 'printer', 'network', 'password', 'mailbox', 'server',
  'error', 'report', 'laptop', 'vpn', 'license', 'kompyuter', 'tarmoq', 'parol', 'xato', 'hisobot', 'pochta', 'bazasi',
  'не', 'работает', 'медленно', 'срочно', 'после', 'обновления', 'второй', 'этаж', 'склад', 'бухгалтерия', '1С',
];

export interface GeneratedDesk {
  tickets: number;
  messages: number;
  seconds: number;
}

/**
 * A SQL expression picking a word at random, the first words of the list far more often than the
 * last (as in real text: a few words everywhere, most words rare). The array is a literal.
 */
const word = `(ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}])[1 + floor(power(random(), 3) * ${WORDS.length})::int]`;
const words = (count: number) => Array.from({ length: count }, () => word).join(` || ' ' || `);

export async function generateDesk(db: Client, tickets: number, log: (line: string) => void): Promise<GeneratedDesk> {
  const started = Date.now();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = Date.now();
    await db.query(sql, params);
    log(`  ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };

  await step('organisations', `INSERT INTO organisations (name) SELECT 'Организация ' || g FROM generate_series(1, 300) g`);
  await step('groups', `INSERT INTO work_groups (name) SELECT 'Group ' || lpad(g::text, 2, '0') FROM generate_series(1, 20) g`);
  await step('agents', `INSERT INTO users (username, display_name, email, roles) SELECT 'agent' || g, 'Агент ' || g, 'agent' || g || '@bench.example', ARRAY['agent'] FROM generate_series(1, 200) g`);
  await step(
    'memberships',
    `INSERT INTO work_group_members (group_id, user_id)
     SELECT g.id, u.id FROM users u JOIN (SELECT id, row_number() OVER (ORDER BY name) AS n FROM work_groups) g
       ON g.n = 1 + (substring(u.username from 6)::int - 1) % 20 WHERE u.username ~ '^agent[0-9]+$'`,
  );
  await step(
    'requesters',
    `INSERT INTO users (username, display_name, email, roles, organisation_id)
     SELECT 'user' || g, 'Пользователь ' || g, 'user' || g || '@client' || (g % 300) || '.example', ARRAY['requester'],
            (SELECT id FROM organisations ORDER BY name OFFSET g % 300 LIMIT 1)
       FROM generate_series(1, 20000) g`,
  );
  await db.query(`CREATE TEMP TABLE bench_people AS SELECT row_number() OVER (ORDER BY id) AS n, id, organisation_id FROM users WHERE roles = ARRAY['requester']`);
  await db.query(`CREATE TEMP TABLE bench_agents AS SELECT row_number() OVER (ORDER BY u.id) AS n, u.id, m.group_id FROM users u JOIN work_group_members m ON m.user_id = u.id WHERE u.roles = ARRAY['agent']`);
  await db.query(`CREATE TEMP TABLE bench_groups AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM work_groups`);
  await db.query(`CREATE INDEX ON bench_people (n)`);
  await db.query(`CREATE INDEX ON bench_agents (n)`);
  await db.query(`ANALYZE bench_people, bench_agents, bench_groups`);

  // Drop the tables' secondary indexes for the load, keeping their definitions to build them again.
  const { rows: indexes } = await db.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE tablename IN ('tickets', 'ticket_messages') AND indexdef NOT LIKE '%UNIQUE%' AND indexname NOT LIKE '%pkey'`,
  );
  for (const index of indexes) await db.query(`DROP INDEX ${index.name}`);

  const batch = 100_000;
  const t0 = Date.now();
  for (let from = 1; from <= tickets; from += batch) {
    const to = Math.min(tickets, from + batch - 1);
    await db.query(
      `WITH picked AS (
         SELECT n, random() AS r_type, random() AS r_status, random() AS r_age, random() AS r_work,
                1 + (n::bigint * 7919) % 20000 AS person, 1 + (n::bigint * 104729) % 200 AS agent, 1 + floor(random() * 3)::int AS impact, 1 + floor(random() * 3)::int AS urgency
           FROM generate_series($1::int, $2::int) n
       )
       INSERT INTO tickets (type, number, subject, description_html, description_text, requester_id, organisation_id, channel, impact, urgency, priority,
                            status, group_id, assignee_id, tags, created_at, updated_at, resolved_at)
       SELECT CASE WHEN r_type < 0.6 THEN 'incident' WHEN r_type < 0.9 THEN 'service_request' WHEN r_type < 0.97 THEN 'information_request' ELSE 'documentation_request' END,
              picked.n, ${words(4)}, '<p>' || ${words(12)} || '</p>', ${words(12)} || ' инв' || picked.n, p.id, p.organisation_id,
              (ARRAY['web', 'email', 'email', 'email', 'portal', 'phone', 'api'])[1 + floor(random() * 7)::int],
              impact, urgency, (SELECT priority FROM ticket_priority_matrix m WHERE m.impact = picked.impact AND m.urgency = picked.urgency),
              s.status,
              CASE WHEN s.status = 'new' AND r_work < 0.5 THEN NULL ELSE a.group_id END,
              CASE WHEN s.status = 'new' THEN NULL ELSE a.id END,
              CASE WHEN r_work < 0.1 THEN ARRAY['vip'] WHEN r_work < 0.2 THEN ARRAY['hardware'] ELSE '{}' END,
              now() - r_age * interval '3 years', least(now(), now() - r_age * interval '3 years' + r_work * interval '10 days'),
              CASE WHEN s.status IN ('resolved', 'closed') THEN least(now(), now() - r_age * interval '3 years' + r_work * interval '8 days') END
         FROM picked
         JOIN bench_people p ON p.n = picked.person
         JOIN bench_agents a ON a.n = picked.agent
         CROSS JOIN LATERAL (SELECT CASE WHEN r_status < 0.85 THEN 'closed' WHEN r_status < 0.90 THEN 'resolved' WHEN r_status < 0.94 THEN 'new'
                                          WHEN r_status < 0.98 THEN 'in_progress' ELSE 'waiting' END AS status) s`,
      [from, to],
    );
    log(`  tickets ${to.toLocaleString('en')}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  for (const type of ['incident', 'service_request', 'information_request', 'documentation_request']) {
    await db.query(`SELECT setval('ticket_number_${type}', greatest(1, (SELECT coalesce(max(number), 1) FROM tickets WHERE type = $1)))`, [type]);
  }

  // About three messages a ticket: most have 1–4, three in a hundred are long threads of 20–29.
  const tm = Date.now();
  await db.query(`CREATE TEMP TABLE bench_tickets AS SELECT id, requester_id, assignee_id, created_at, row_number() OVER (ORDER BY id) AS n FROM tickets`);
  await db.query(`CREATE INDEX ON bench_tickets (n)`);
  await db.query(`ANALYZE bench_tickets`);
  const total = tickets;
  for (let from = 1; from <= total; from += batch) {
    await db.query(
      `INSERT INTO ticket_messages (ticket_id, kind, author_id, body_html, body_text, created_at)
       SELECT t.id, CASE WHEN k % 4 = 3 THEN 'note' ELSE 'reply' END, CASE WHEN k % 2 = 0 THEN t.requester_id ELSE coalesce(t.assignee_id, t.requester_id) END,
              '<p>' || body || '</p>', body, t.created_at + k * interval '3 hours'
         FROM bench_tickets t
         CROSS JOIN LATERAL generate_series(1, CASE WHEN t.n % 100 < 3 THEN 20 + (t.n % 10)::int ELSE 1 + (t.n % 4)::int END) k
         CROSS JOIN LATERAL (SELECT ${words(10)} AS body OFFSET 0) b
        WHERE t.n BETWEEN $1 AND $2`,
      [from, from + batch - 1],
    );
    log(`  messages for tickets ${Math.min(total, from + batch - 1).toLocaleString('en')}: ${((Date.now() - tm) / 1000).toFixed(0)} s`);
  }

  // The search vectors, filled as TicketRepository.refreshSearch fills them (number, subject,
  // requester, description; replies; notes for staff), in one pass over the messages.
  await step(
    'search vectors',
    `WITH msgs AS (
       SELECT ticket_id, string_agg(body_text, ' ') FILTER (WHERE kind = 'reply') AS replies, string_agg(body_text, ' ') FILTER (WHERE kind = 'note') AS notes
         FROM ticket_messages GROUP BY ticket_id
     ), parts AS (
       SELECT t.id,
              setweight(to_tsvector('simple', CASE t.type WHEN 'incident' THEN 'INC ' WHEN 'service_request' THEN 'REQ ' WHEN 'information_request' THEN 'INF ' ELSE 'DOC ' END || t.number || ' ' || t.subject), 'A')
                || setweight(to_tsvector('simple', r.display_name || ' ' || r.username || ' ' || translate(coalesce(r.email, ''), '@.', '  ')), 'B')
                || setweight(to_tsvector('simple', t.description_text), 'C')
                || setweight(to_tsvector('simple', coalesce(m.replies, '')), 'D') AS base,
              setweight(to_tsvector('simple', coalesce(m.notes, '')), 'D') AS notes
         FROM tickets t JOIN users r ON r.id = t.requester_id LEFT JOIN msgs m ON m.ticket_id = t.id
     )
     UPDATE tickets t SET search_public = p.base, search_staff = p.base || p.notes FROM parts p WHERE p.id = t.id`,
  );

  for (const index of indexes) await step(`index ${index.name}`, index.definition);
  await step('vacuum analyze', 'VACUUM ANALYZE');
  const [{ n: messages }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket_messages`)).rows as [{ n: number }];
  return { tickets, messages, seconds: (Date.now() - started) / 1000 };
}
