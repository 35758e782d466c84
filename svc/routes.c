/*
 * routes.c - the one route table of certsvc.  Order matters only where
 * patterns overlap (the first match wins); prefixes end in '/'.
 * Bodies: the JSON API and OCSP take at most 64 KiB (413 beyond, before
 * the handler runs); GET routes take none.
 */
#include "routes.h"

#include <stddef.h>

#include "page.h"
#include "pages.h"

static const struct svc_route routes[] = {
	/* The helper's and the reporting systems' API (JSON). */
	{ "POST", "/api/v1/enroll", svc_api_enroll, SVC_API_BODY_MAX, 0 },
	{ "GET", "/api/v1/certs/", svc_api_cert_status, 0, SVC_ROUTE_PREFIX },
	{ "GET", "/api/v1/rp", svc_api_rp, 0, 0 },
	/* The CA and certificate status, for anyone. */
	{ "GET", "/ca/root.pem", svc_api_ca_root, 0, SVC_ROUTE_NO_DB },
	{ "GET", "/ca/issuing.pem", svc_api_ca_issuing, 0, SVC_ROUTE_NO_DB },
	{ "GET", "/ca/chain.pem", svc_api_ca_chain, 0, SVC_ROUTE_NO_DB },
	{ "GET", "/crl", svc_api_crl, 0, SVC_ROUTE_NO_DB },
	{ "POST", "/ocsp", svc_ocsp_post, SVC_API_BODY_MAX, 0 },
	{ "GET", "/ocsp/", svc_ocsp_get, 0,
	    SVC_ROUTE_PREFIX | SVC_ROUTE_ENCODED_SLASH },
	/* The pages: portal, login, 申请/下载/重新申请/废除证书, status, help
	 * (svc/pages.h). */
	SVC_PAGE_ROUTES,
	/* Embedded style sheets, scripts and images. */
	{ "GET", "/static/", svc_static_handler, 0,
	    SVC_ROUTE_PREFIX | SVC_ROUTE_NO_DB },
	{ NULL, NULL, NULL, 0, 0 },
};

const struct svc_route *
svc_routes(void)
{
	return routes;
}
