import { buildServer } from './server';
import { fakeWithTokens, sampleEvent } from './test-support/fake-platform';

it('logs method and route only: no query strings (tokens), ids, bodies or error details', async () => {
  const { platform, tokens } = await fakeWithTokens();
  const lines: string[] = [];
  const app = buildServer(platform, { logger: true, logStream: { write: (l: string) => void lines.push(l) } });

  await app.inject({ method: 'GET', url: `/?token=${tokens.dpo}` });
  await app.inject({ method: 'GET', url: '/v1/records/rec-secret-id', headers: { authorization: `Bearer ${tokens.dpo}` } });
  await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { authorization: `Bearer ${tokens.service}` },
    payload: [sampleEvent({ subject: { identifiers: [{ kind: 'email', value: 'jane.doe@example.org' }] } })],
  });
  await app.inject({ method: 'GET', url: '/nowhere?token=leaked-token', headers: { authorization: `Bearer ${tokens.dpo}` } });
  platform.sweep = async () => {
    throw new Error('boom');
  };
  await app.inject({ method: 'POST', url: '/v1/sweep', headers: { authorization: `Bearer ${tokens.operator}` } });
  await app.close();

  const log = lines.join('');
  expect(log).toContain('"route":"/v1/records/:id"');
  expect(log).toContain('"route":"/v1/events"');
  expect(log).toContain('"statusCode":500');
  for (const secret of [tokens.dpo, tokens.service, tokens.operator, 'leaked-token', 'rec-secret-id', 'jane.doe', 'authorization']) {
    expect(log).not.toContain(secret);
  }
});
