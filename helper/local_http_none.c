/*
 * local_http_none.c - PLACEHOLDER for the loopback HTTP server.
 *
 * The browser-facing server (helper/local_http.c: /v1/ping, /v1/enroll,
 * /v1/revoked, the console pages and the 客户身份验证 consent page) is
 * built separately.  Until it lands, this file gives the daemon the two
 * entry points it calls, starts nothing, and says so in the log; the Unix
 * socket and the CLI work without it.  Whoever adds local_http.c deletes
 * this file (both define the same functions: the build fails if both are
 * there).  docs/CERTHELPER.md lists it as the one placeholder.
 */
#include "helper.h"
#include "log.h"

int
helper_http_start(struct helper_ctx *h)
{
	h->http = NULL;
	helper_log(HELPER_LOG_WARN, "loopback HTTP not built: port %d is not "
	    "served (only the Unix socket)", h->cfg.port);
	return 0;
}

void
helper_http_stop(struct helper_ctx *h)
{
	h->http = NULL;
}
