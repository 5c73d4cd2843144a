//! Login through the municipality's OpenID provider: the authorization code flow with PKCE.
//! The `openidconnect` crate reads the provider's discovery document and keys, and checks the
//! ID token's signature, issuer, audience, expiry and nonce; here the state is checked, the
//! clock skew bounded and the claims read; the store decides who the person is and logs it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use etablera_domain::access::sso::{Refusal, UserClaim};
use etablera_store::access::sso::{self, Identity, Pending, SsoOutcome};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthenticationContextClass, AuthorizationCode, ClaimsVerificationError, Client, ClientId,
    ClientSecret, CsrfToken, EmptyExtraTokenFields, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenFields, IssuerUrl, LogoutRequest, Nonce, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl,
    ProviderMetadataWithLogout, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::api::Params;
use crate::app::AppState;
use crate::config::SsoConfig;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::pages::{PageContext, render_with};
use crate::security::{self, SESSION_COOKIE};

/// The cookie that ties the provider's answer to the browser that asked: `Lax`, since the
/// answer comes as a navigation from the provider's site, which a `Strict` cookie is not sent on.
pub const PENDING_COOKIE: &str = "etablera_sso";
const CALLBACK: &str = "/login/sso/callback";
/// The discovery document and keys are read again after this long (keys are rotated).
const DISCOVERY_AGE: Duration = Duration::from_secs(60 * 60);

/// The claims beyond the standard ones, by name: `oid`, the groups claim, Entra's overage
/// marker `_claim_names`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    claims: HashMap<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;
type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider as its discovery document describes it.
struct Provider {
    client: OidcClient,
    end_session: Option<EndSessionUrl>,
    read_at: Instant,
}

/// The provider, its configuration and the HTTP client that talks to it.
pub struct Sso {
    pub config: SsoConfig,
    http: reqwest::Client,
    provider: tokio::sync::Mutex<Option<Arc<Provider>>>,
}

impl Sso {
    pub fn new(config: SsoConfig) -> Sso {
        let http = reqwest::Client::builder()
            // A redirect from the provider's endpoints is not followed: it could send the
            // server's requests anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client without options that can fail");
        Sso { config, http, provider: tokio::sync::Mutex::new(None) }
    }

    /// The provider, read when first needed, after an hour, or again when `fresh` (a token
    /// whose signature the keys we have do not verify).
    async fn provider(&self, fresh: bool) -> Result<Arc<Provider>, String> {
        let mut cached = self.provider.lock().await;
        if let Some(p) = cached.as_ref().filter(|p| !fresh && p.read_at.elapsed() < DISCOVERY_AGE) {
            return Ok(p.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| e.to_string())?;
        let metadata =
            ProviderMetadataWithLogout::discover_async(issuer, &self.http).await.map_err(|e| e.to_string())?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let redirect = RedirectUrl::new(format!("{}{CALLBACK}", self.config.public_url.trim_end_matches('/')))
            .map_err(|e| e.to_string())?;
        let client = OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        let provider = Arc::new(Provider { client, end_session, read_at: Instant::now() });
        *cached = Some(provider.clone());
        Ok(provider)
    }

    /// Where the browser goes after Etablera's logout to end the provider's session too, when
    /// the provider offers it; back to the login page afterwards.
    pub async fn logout_url(&self) -> Option<String> {
        let provider = self.provider(false).await.ok()?;
        let end_session = provider.end_session.clone()?;
        let back = format!("{}/login?logged_out=1", self.config.public_url.trim_end_matches('/'));
        let request = LogoutRequest::from(end_session)
            .set_client_id(ClientId::new(self.config.client_id.clone()))
            .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new(back).ok()?);
        Some(request.http_get_url().to_string())
    }
}

fn pending_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((PENDING_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/login/sso")
        .secure(secure)
        .build()
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// Begins a login at the provider: the state, nonce and PKCE verifier are kept, found again by
/// the cookie, and the browser is sent to the provider.
pub async fn start(
    State(state): State<AppState>,
    ctx: RequestContext,
    Params(q): Params<StartQuery>,
) -> AppResult<Response> {
    let Some(sso) = state.sso.clone() else { return Err(AppError::NotFound) };
    let provider = match sso.provider(false).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "the OpenID provider's discovery document could not be read");
            return Ok(refused_page(&ctx, StatusCode::BAD_GATEWAY, "sso-unreachable"));
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = provider.client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in &sso.config.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    // Asked for, so that the provider says the level in the token (and may step up to it); it
    // is checked against the user's roles when the answer comes.
    for level in &sso.config.policy.required_levels {
        request = request.add_auth_context_value(AuthenticationContextClass::new(level.clone()));
    }
    let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
    let pending = Pending {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next_path: super::login::safe_next(q.next.as_deref()),
    };
    let at = ctx.at;
    let handle = state.store.run(move |conn| sso::begin(conn, at, &pending)).await?;
    let mut response = Redirect::to(url.as_str()).into_response();
    security::set_cookie(&mut response, pending_cookie(handle, state.config.secure_cookies));
    Ok(response)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The provider's answer: the state checked against the login begun in this browser, the code
/// exchanged with the PKCE verifier, the ID token verified, and the person signed in or refused.
pub async fn callback(
    State(state): State<AppState>,
    ctx: RequestContext,
    jar: CookieJar,
    Params(q): Params<CallbackQuery>,
) -> AppResult<Response> {
    let Some(sso) = state.sso.clone() else { return Err(AppError::NotFound) };
    let secure = state.config.secure_cookies;
    let outcome = match verified_identity(&state, &sso, &ctx, &jar, &q).await? {
        Ok((identity, next)) => {
            let (actor, policy) = (ctx.actor(), sso.config.policy.clone());
            let outcome = state.store.run(move |conn| sso::login(conn, &actor, &identity, &policy)).await?;
            match outcome {
                SsoOutcome::LoggedIn { token, .. } => Ok((token, next)),
                SsoOutcome::Refused(reason) => Err(reason),
            }
        }
        Err(reason) => {
            let actor = ctx.actor();
            state.store.run(move |conn| sso::refused(conn, &actor, reason)).await?;
            Err(reason)
        }
    };
    let mut response = match outcome {
        Ok((token, next)) => {
            // A page of our own that goes on: the session cookie is `Strict`, and a redirect in
            // the navigation that came from the provider's site would arrive without it.
            let mut response =
                render_with(StatusCode::OK, &Continue { ctx: page_context(&ctx, "sso-continue-title"), next });
            security::set_cookie(&mut response, security::cookie(SESSION_COOKIE, token, secure));
            response
        }
        Err(reason) => refused_page(&ctx, StatusCode::FORBIDDEN, &format!("sso-refused-{}", reason.code())),
    };
    let mut gone = pending_cookie(String::new(), secure);
    gone.make_removal();
    security::set_cookie(&mut response, gone);
    Ok(response)
}

/// The person the provider vouches for, and the page to go to; or why not.
async fn verified_identity(
    state: &AppState,
    sso: &Sso,
    ctx: &RequestContext,
    jar: &CookieJar,
    q: &CallbackQuery,
) -> AppResult<Result<(Identity, String), Refusal>> {
    let Some(handle) = jar.get(PENDING_COOKIE).map(|c| c.value().to_owned()) else { return Ok(Err(Refusal::State)) };
    let at = ctx.at;
    let Some(pending) = state.store.run(move |conn| sso::take(conn, &handle, at)).await? else {
        return Ok(Err(Refusal::State));
    };
    let given = q.state.as_deref().unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(pending.state.as_bytes())) {
        return Ok(Err(Refusal::State));
    }
    if q.error.is_some() {
        return Ok(Err(Refusal::Provider));
    }
    let Some(code) = q.code.clone() else { return Ok(Err(Refusal::Provider)) };
    let Ok(provider) = sso.provider(false).await else { return Ok(Err(Refusal::Exchange)) };
    let exchange = match provider.client.exchange_code(AuthorizationCode::new(code)) {
        Ok(request) => request.set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone())),
        Err(_) => return Ok(Err(Refusal::Exchange)),
    };
    let tokens = match exchange.request_async(&sso.http).await {
        Ok(tokens) => tokens,
        Err(e) => {
            tracing::warn!(error = %e, "the OpenID provider did not exchange the code");
            return Ok(Err(Refusal::Exchange));
        }
    };
    let Some(id_token) = tokens.id_token() else { return Ok(Err(Refusal::Token)) };
    let nonce = Nonce::new(pending.nonce.clone());
    let skew = chrono::Duration::from_std(sso.config.clock_skew).unwrap_or_default();
    // The token's times are the provider's real ones: checked against the real clock, not the
    // application's (which a demonstration may set to another day).
    let verify = |client: &OidcClient| {
        let verifier = client
            .id_token_verifier()
            .set_time_fn(move || chrono::Utc::now() - skew)
            .set_issue_time_verifier_fn(move |issued| {
                if issued > chrono::Utc::now() + skew { Err("issued in the future".into()) } else { Ok(()) }
            });
        id_token.claims(&verifier, &nonce).cloned()
    };
    let claims = match verify(&provider.client) {
        // The keys may have been rotated since they were read: read them again, once.
        Err(ClaimsVerificationError::SignatureVerification(_)) => match sso.provider(true).await {
            Ok(fresh) => verify(&fresh.client),
            Err(_) => return Ok(Err(Refusal::Signature)),
        },
        other => other,
    };
    let claims = match claims {
        Ok(claims) => claims,
        Err(e) => return Ok(Err(refusal_of(&e))),
    };
    let other = &claims.additional_claims().claims;
    let text = |name: &str| other.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let login_id = match sso.config.user_claim {
        UserClaim::Sub => Some(claims.subject().as_str().to_owned()),
        UserClaim::Oid => text("oid"),
        UserClaim::Email => claims.email().map(|e| e.as_str().to_lowercase()),
        UserClaim::PreferredUsername => claims.preferred_username().map(|u| u.as_str().to_owned()),
    };
    let Some(login_id) = login_id.filter(|id| !id.trim().is_empty()) else { return Ok(Err(Refusal::Claim)) };
    let groups = match other.get(&sso.config.groups_claim) {
        Some(serde_json::Value::Array(values)) => {
            Some(values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        }
        Some(serde_json::Value::String(one)) => Some(vec![one.clone()]),
        // Entra leaves the claim out and names where to fetch it when there are too many.
        _ if other.get("_claim_names").is_some_and(|n| n.get(&sso.config.groups_claim).is_some()) => None,
        _ => Some(Vec::new()),
    };
    let identity = Identity {
        login_id,
        name: claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()),
        preferred_username: claims.preferred_username().map(|u| u.as_str().to_owned()),
        email: claims.email().map(|e| e.as_str().to_owned()),
        groups,
        level: claims.auth_context_ref().map(|a| a.as_str().to_owned()),
    };
    Ok(Ok((identity, pending.next_path)))
}

fn refusal_of(error: &ClaimsVerificationError) -> Refusal {
    match error {
        ClaimsVerificationError::SignatureVerification(_) => Refusal::Signature,
        ClaimsVerificationError::Expired(_) => Refusal::Expired,
        ClaimsVerificationError::InvalidAudience(_) => Refusal::Audience,
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => Refusal::Nonce,
        _ => Refusal::Token,
    }
}

fn page_context(ctx: &RequestContext, title: &str) -> PageContext {
    PageContext::new(ctx, ctx.tr().get(title), "")
}

#[derive(Template)]
#[template(path = "sso_continue.html")]
struct Continue {
    ctx: PageContext,
    next: String,
}

/// After Etablera's logout, on to the provider's.
#[derive(Template)]
#[template(path = "sso_logout.html")]
pub struct ProviderLogout {
    pub ctx: PageContext,
    pub url: String,
}

#[derive(Template)]
#[template(path = "sso_refused.html")]
struct Refused {
    ctx: PageContext,
    message: String,
}

fn refused_page(ctx: &RequestContext, status: StatusCode, message: &str) -> Response {
    let page = Refused { ctx: page_context(ctx, "sso-refused-title"), message: ctx.tr().get(message) };
    render_with(status, &page)
}
