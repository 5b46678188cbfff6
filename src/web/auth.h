/* auth.h -- who is asking, and may they: sessions, CSRF and roles, enforced
 * from the route's flags by the server's before hook (auth_before), never by
 * each handler.
 *
 * Sessions. Signing in makes a new session (never one the browser brought:
 * no fixation): a 32-byte random token in a cookie, HttpOnly, SameSite=Lax,
 * Path=/, and behind TLS (--base-url https://...) Secure with the __Host-
 * prefix. The store keeps only the token's SHA-256. A session ends after
 * AUTH_IDLE_SECONDS without a request or AUTH_ABSOLUTE_SECONDS after it began,
 * on sign-out, on "sign out everywhere", when the password changes (every
 * other session) and when the account is disabled.
 *
 * CSRF. Every form carries a token in the hidden field "csrf": the HMAC
 * (base/crypto.h) under the store's "csrf" secret of the session's token, or,
 * for a visitor not signed in (the sign-in and registration forms), of a
 * random pre-session cookie set with the form. A POST to a ROUTE_CSRF route
 * without the token, or with another session's, is refused 403 before its
 * handler runs; compared in constant time. Nothing is stored per form.
 *
 * API tokens. A ROUTE_TOKEN route also takes "Authorization: Bearer TOKEN"
 * (a personal API token, stored hashed): the request acts for the token's
 * account in the token's organisation and role, needs no CSRF token (no
 * cookie is involved) and looks at no session. A ROUTE_TOKEN route without
 * ROUTE_SESSION or ROUTE_CSRF takes tokens alone: it reads no cookie, a POST
 * (or, with ROUTE_AUTH, any request) without a token is refused 401, and the
 * body is left to the handler (JSON), not read as a form.
 *
 * Sessions are looked up only on routes that ask for them: every other page
 * is the same for everybody, and cacheable. */
#ifndef WEB_AUTH_H
#define WEB_AUTH_H

#include <stddef.h>

#include "web/multipart.h"

#include "model/account.h"
#include "web/form.h"
#include "web/server.h"

/* The application's route flags (server.h: ROUTE_APP and up). */
enum {
  ROUTE_SESSION = ROUTE_APP << 0,    /* look up the visitor's session (and give forms a CSRF token) */
  ROUTE_AUTH = ROUTE_APP << 1,       /* signed in: else GET -> sign-in page, POST -> 403 */
  ROUTE_CSRF = ROUTE_APP << 2,       /* a POST carries the session's CSRF token: else 403 */
  ROUTE_SITE_ADMIN = ROUTE_APP << 3, /* a site administrator: else 403 */
  ROUTE_ORG_MEMBER = ROUTE_APP << 4, /* r->capture is an organisation id the account is a member of: else 404 */
  ROUTE_ORG_ADMIN = ROUTE_APP << 5,  /* ... as admin or owner: a member gets 403 */
  ROUTE_ORG_OWNER = ROUTE_APP << 6,  /* ... as owner */
  ROUTE_TOKEN = ROUTE_APP << 7,      /* an API token (Authorization: Bearer) is taken instead of a session */
};
#define ROUTE_ORG_ANY (ROUTE_ORG_MEMBER | ROUTE_ORG_ADMIN | ROUTE_ORG_OWNER)

#define AUTH_IDLE_SECONDS (2 * 3600)
#define AUTH_ABSOLUTE_SECONDS (30 * 86400)
#define AUTH_TOUCH_SECONDS 60 /* a session's last-seen time is written at most this often */

typedef struct {
  long long account_id; /* 0: not signed in */
  long long session_id; /* 0: none (or an API token) */
  const char *email, *name;
  int site_admin, verified;
  const char *csrf;     /* the token this visitor's forms carry (NULL on routes without sessions) */
  long long org_id;     /* on ROUTE_ORG_* routes: the organisation of the path */
  Role role;            /* ... and the account's role in it (or the token's) */
  long long token_id;   /* signed in by an API token: its id */
  FormField *form;      /* the POST body's fields, parsed (application/x-www-form-urlencoded, or
                         * the fields that are not files of multipart/form-data) */
  size_t n_form;
  const MultipartPart *parts; /* a multipart/form-data body's parts (files too), into the body */
  size_t n_parts;
} Auth;

/* The server's before hook (ServerConfig.before). */
int auth_before(Request *r);
/* This request's Auth (an anonymous one on routes without sessions). */
Auth *auth_of(Request *r);
/* A field of the POST body ("" when absent; never NULL). */
const char *form_value(Request *r, const char *name);
/* Signs account_id in: a new session and its cookie (any session the browser
 * brought is ended first), and a new CSRF token for the page that follows. */
int auth_sign_in(Request *r, long long account_id, Err *err);
/* Ends this request's session and clears the cookie. */
void auth_sign_out(Request *r);
/* Is the connection to the browser secure (cookies Secure, __Host-)? */
int auth_secure(Request *r);
/* 403 "You cannot do that" / 404 as a page (or problem JSON under /api/). */
void auth_refuse(Request *r, int status, const char *why);

#endif
