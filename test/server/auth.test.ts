import {describe, expect, it} from 'vitest';
import {trainingRows} from './fixture.js';
import {fixtureServer, predict} from './helpers.js';

const body = {instances: [trainingRows[0]!.features]};

describe('bearer token', () => {
  it('401 without a token, with a wrong one, or with another scheme', async () => {
    const app = await fixtureServer({token: 's3cret'});
    const none = await predict(app, body);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="runner"');
    expect(none.json().message).toContain('Authorization: Bearer <token>');
    for (const authorization of ['Bearer s3cre', 'Bearer s3cret2', 'Basic czNjcmV0', 's3cret']) {
      const res = await predict(app, body, {authorization});
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().message).toBe('The bearer token is wrong.');
    }
    for (const url of [
      '/metrics',
      '/drift',
      `/customers/${trainingRows[0]!.CustomerID}/recommendations`,
    ]) {
      expect((await app.inject(url)).statusCode, url).toBe(401);
    }
  });

  it('the right token passes; /health stays open for probes', async () => {
    const app = await fixtureServer({token: 's3cret'});
    const res = await predict(app, body, {authorization: 'Bearer s3cret'});
    expect(res.statusCode).toBe(200);
    const metrics = await app.inject({url: '/metrics', headers: {authorization: 'bearer s3cret'}});
    expect(metrics.statusCode).toBe(200);
    expect((await app.inject('/health')).statusCode).toBe(200);
  });

  it('without --token nothing is required', async () => {
    const app = await fixtureServer();
    expect((await predict(app, body)).statusCode).toBe(200);
  });
});
