import { Type } from 'typebox';
import { it } from 'vitest';
import { createHttpApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';

it('probe', async () => {
  const app = await createHttpApp({ service: 's', version: '1', log: createLogger({ level: 'debug', service: 's' }), corsOrigins: [], metrics: createMetrics({ service: 's' }), readiness: {}, openapi: { title: 't', description: 'd' } });
  app.get('/x/:id', { schema: { params: Type.Object({ id: Type.String() }), querystring: Type.Object({ n: Type.Optional(Type.Union([Type.String(), Type.Null()])), tags: Type.Optional(Type.Array(Type.String())) }) } }, async (r) => ({ q: r.query }));
  app.post('/y', { schema: { body: Type.Object({ a: Type.Union([Type.Object({ k: Type.Literal('a'), v: Type.Integer() }), Type.Object({ k: Type.Literal('b'), w: Type.String() })]) }) } }, async () => ({}));
  await app.ready();
  for (const req of [
    { url: '/x/%E0%A4%A' },
    { url: '/x/' + 'a'.repeat(300) },
    { url: '/x/1?tags=a' },
    { url: '/x/1?tags=a&tags=b' },
    { method: 'POST' as const, url: '/y', payload: { a: { k: 'a', v: 'x' } } },
    { method: 'POST' as const, url: '/y' },
    { method: 'POST' as const, url: '/y', headers: { 'content-type': 'application/json' }, payload: '' },
    { method: 'POST' as const, url: '/y', payload: { a: 1, __proto__x: 1 }, headers: {} },
    { method: 'POST' as const, url: '/y', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"x": 1}}' },
  ]) {
    const res = await app.inject(req);
    console.log(req.url, res.statusCode, res.headers['content-type'], res.headers['x-request-id'], res.body);
  }
  const doc = await app.inject({ url: '/docs/json' });
  console.log(JSON.stringify(doc.json().paths, null, 1).slice(0, 3000));
  console.log(JSON.stringify(doc.json().components, null, 1).slice(0, 1500));
  const ui = await app.inject({ url: '/docs' });
  console.log(ui.statusCode, ui.headers, ui.body.slice(0, 200));
  await app.close();
});
