// A real OpenID Connect provider for the tests: the certified `oidc-provider` from npm
// (package.json), run by tests/oidc_provider.py. It stands in for the council's Microsoft
// Entra ID: an ID token carrying the person's groups (as Entra's groupMembershipClaims
// does), the authorisation code flow with PKCE, a login page of its own.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG: {"clients": [{client_id, client_secret, redirect_uris}], "accounts": {...}}.
// It listens on a free port of 127.0.0.1 and prints one line, {"issuer": "http://..."}.
//
// The tests change what it does through /__test/ (never part of a real provider):
//   PUT  /__test/accounts   {"<id>": {email, email_verified, name, groups, disabled}}
//   PUT  /__test/misbehave  {"id_token_audience": "someone-else", "clock_offset_seconds": -7200}
//                            (a provider that signs tokens for the wrong audience, or whose
//                            tokens are already expired); {} behaves again.
// A disabled account is a leaver: the login page refuses it, and a code or token already
// issued to it is refused at the token endpoint (findAccount finds nobody).

import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let accounts = config.accounts || {};
let misbehave = {};

// Tokens "already expired": the provider's clock runs behind (epoch_time reads Date.now).
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + 1000 * (misbehave.clock_offset_seconds || 0);

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>`
    + `<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}');
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // The groups come in the ID token whatever the scopes, as Entra ID sends them.
    claims: {
      openid: ['sub', 'groups'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    conformIdTokenClaims: false,
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
    cookies: { keys: ['test-provider-cookie-key'] },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account || account.disabled) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: account.email,
            email_verified: account.email_verified ?? false,
            name: account.name,
            groups: account.groups || [],
          };
        },
      };
    },
    // The council's staff are not asked to consent to their employer's own portal.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p id="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
    },
  });

  // A provider that signs its ID tokens for another audience.
  const issue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = async function issueMaybeForAnother(options) {
    const audience = misbehave.id_token_audience;
    if (!audience || options?.use !== 'idtoken') return issue.call(this, options);
    const real = this.client;
    this.client = new Proxy(real, {
      get: (target, name) => (name === 'clientId' ? audience : Reflect.get(target, name)),
    });
    try {
      return await issue.call(this, options);
    } finally {
      this.client = real;
    }
  };

  const oidc = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      const parts = url.pathname.split('/').filter(Boolean);
      if (parts[0] === '__test' && req.method === 'PUT') {
        if (parts[1] === 'accounts') accounts = await readJson(req);
        else if (parts[1] === 'misbehave') misbehave = await readJson(req);
        res.writeHead(204).end();
        return;
      }
      if (parts[0] === 'interaction' && req.method === 'GET') {
        const details = await provider.interactionDetails(req, res);
        send(res, 200, page('Sign in to the council', `
          <form method="post" action="/interaction/${escape(details.uid)}/login">
            <label for="username">Username</label>
            <input id="username" name="username" autocomplete="username">
            <button type="submit">Sign in</button>
          </form>`));
        return;
      }
      if (parts[0] === 'interaction' && parts[2] === 'login' && req.method === 'POST') {
        const form = await readForm(req);
        const id = form.get('username') || '';
        const account = accounts[id];
        if (!account || account.disabled) {
          // A leaver: the directory has disabled the account, so nobody is signed in.
          send(res, 403, page('Your account is disabled', '<p id="error">This account has been disabled. Ask your IT service desk.</p>'));
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: id } }, { mergeWithLastSubmission: false });
        return;
      }
      oidc(req, res);
    } catch (error) {
      send(res, 500, page('Provider error', `<p id="error">${escape(error.message)}</p>`));
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
