// A real OpenID provider for the browser tests: panva's oidc-provider (certified by the OpenID
// Foundation), on 127.0.0.1, with one client for Etablera. Its login page is a plain form of our
// own: the user's name and the authentication level (acr) to log in at. Two accounts are made
// faulty on purpose, by the provider's own settings and models: `utgangen` gets an ID token that
// expired before it was issued, `fel-mottagare` one issued to another client (audience).
import Provider from 'oidc-provider';

export const CLIENT_ID = 'etablera';
export const CLIENT_SECRET = 'e2e-hemlighet-som-bara-testet-kan';
export const LEVELS = { password: 'urn:etablera:losenord', strong: 'urn:etablera:stark' };

// The accounts: their groups (names as a municipality's directory would give them).
export const ACCOUNTS = {
  'anna.handlaggare': { name: 'Anna Handläggare', groups: ['etablera-handlaggare'] },
  'ebba.ekonom': { name: 'Ebba Ekonom', groups: ['etablera-ekonomi'] },
  'utan.roll': { name: 'Utan Roll', groups: ['personal'] },
  utgangen: { name: 'Utgången Token', groups: ['etablera-ekonomi'] },
  'fel-mottagare': { name: 'Fel Mottagare', groups: ['etablera-ekonomi'] },
  befintlig: { name: 'Namn Hos Kommunen', groups: ['etablera-ekonomi'] },
};

const page = (title, body) => `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

export async function startProvider({ port, etablera }) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${etablera}/login/sso/callback`],
      post_logout_redirect_uris: [`${etablera}/login?logged_out=1`],
    }],
    pkce: { required: () => true, methods: ['S256'] },
    acrValues: Object.values(LEVELS),
    claims: { acr: null, auth_time: null, iss: null, sid: null, openid: ['sub'], profile: ['name', 'preferred_username', 'groups'], email: ['email'] },
    // The claims in the ID token itself, as Entra ID and Keycloak put them.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Logga ut från inloggningstjänsten?', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, logga ut</button>`);
        },
        postLogoutSuccessSource: async (ctx) => { ctx.body = page('Utloggad', ''); },
      },
    },
    ttl: {
      // Expired before it was issued, beyond any clock skew a relying party allows.
      IdToken: (ctx, token) => (token.available?.sub === 'utgangen' ? -3600 : 3600),
    },
    async findAccount(ctx, sub) {
      const account = ACCOUNTS[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          name: account.name,
          preferred_username: sub,
          email: `${sub}@kommun.example`,
          groups: account.groups,
        }),
      };
    },
    // A first-party client: no consent page.
    async loadExistingGrant(ctx) {
      const { Grant } = ctx.oidc.provider;
      const grant = new Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
      grant.addOIDCClaims(['sub', 'name', 'preferred_username', 'groups', 'email', 'acr', 'amr', 'auth_time']);
      await grant.save();
      return grant;
    },
  });

  // The ID token of `fel-mottagare` is signed for another client: the provider's own model,
  // with another client's id as the audience.
  const issue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = async function issueFaulty(options) {
    if (this.available?.sub === 'fel-mottagare') {
      const client = this.client;
      this.client = Object.create(client, { clientId: { value: 'en-annan-tjanst' } });
      try { return await issue.call(this, options); } finally { this.client = client; }
    }
    return issue.call(this, options);
  };

  // The login page: a plain form, the user's name and the level.
  provider.use(async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = page('Kommunens inloggning', `<form method="post" action="/interaction/${details.uid}">
        <label for="login">Användare</label><input id="login" name="login">
        <label for="acr">Nivå</label><select id="acr" name="acr">
          <option value="${LEVELS.password}">Lösenord</option><option value="${LEVELS.strong}">Stark</option></select>
        <button type="submit">Logga in hos kommunen</button></form>`);
      return undefined;
    }
    let raw = '';
    for await (const chunk of ctx.req) raw += chunk;
    const form = new URLSearchParams(raw);
    const result = { login: { accountId: form.get('login'), acr: form.get('acr'), amr: ['pwd'] } };
    const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
    return undefined;
  });

  const server = provider.listen(port, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  return { issuer, stop: () => new Promise((ok) => server.close(ok)) };
}
