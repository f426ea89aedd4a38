/*
 * main_fcgi.c: peerfeed.fcgi, the FastCGI responder.  Thin: options, open
 * the node read-only (store, conf, index, keyring), then one request at a
 * time until the socket closes.  One log line per request on stderr
 * (journald): method, path, status, requester fingerprint when known,
 * duration; never a body, a query string or a post.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "http.h"
#include "log.h"
#include "node.h"
#include "route.h"
#include "store.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: peerfeed.fcgi [-d DIR] [-s SOCKET]\n"
	    "  -d DIR     state directory (default: $PEERFEED_HOME or %s)\n"
	    "  -s SOCKET  listen on this unix socket instead of fd 0\n",
	    pf_store_dir(NULL));
}

static void
log_request(const struct pf_http_req *req, const struct pf_http_resp *resp,
    enum pf_err e, int64_t start)
{
	char	path[PF_HTTP_PATH_MAX], method[sizeof(req->method)];
	int	status = resp->status ? resp->status : 200;

	pf_log_sanitize(req->path, path, sizeof(path));
	pf_log_sanitize(req->method[0] ? req->method : "-", method, sizeof(method));
	pf_log("%s %s %d %s %lldms%s%s", method, path, status,
	    resp->who[0] ? resp->who : "-", (long long)(pf_now_ms() - start),
	    e != PF_OK ? " " : "", e != PF_OK ? pf_err_str(e) : "");
}

/*
 * SIGTERM (systemd, spawn-fcgi's parent, a test): libfcgi's accept loop
 * gives up once shutdown is pending, so serve() returns after the request
 * in progress and main() frees everything.  No SA_RESTART: a blocked
 * accept() must see EINTR.  Should the signal slip in just before
 * accept() (libfcgi's window), SIGALRM ends the process 10 s later.
 */
static void
on_term(int sig)
{
	(void)sig;
	pf_http_shutdown();
	alarm(10);
}

/* Serve until accepting fails (the socket closed or a signal). */
static void
serve(struct pf_http *h, struct pf_api *api)
{
	struct pf_http_req	 req;
	struct pf_http_resp	 resp;
	enum pf_err		 e;
	int64_t			 start;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	while (pf_http_accept(h) == 0) {
		start = pf_now_ms();
		pf_http_resp_reset(&resp);
		resp.who[0] = '\0';
		pf_err_clear();
		/*
		 * A reindex swaps a new index in under a running responder:
		 * one stat(2) per request notices it (pf_index_reopen).
		 */
		if ((e = pf_http_read(h, api->conf->base_path,
		    (size_t)api->conf->body_max, &req)) != PF_OK ||
		    (e = pf_index_reopen(&api->ix)) != PF_OK)
			pf_http_error(&resp, e, pf_errmsg());
		else
			e = pf_route_dispatch(api, &req, &resp);
		(void)pf_http_send(h, &req, &resp);
		pf_http_finish(h);
		log_request(&req, &resp, e, start);
	}
	pf_buf_free(&req.body);
	pf_http_resp_free(&resp);
}

int
main(int argc, char *argv[])
{
	struct pf_node	*n = NULL;
	struct pf_http	*h = NULL;
	struct pf_api	 api;
	struct sigaction sa;
	const char	*dir = NULL, *sock = NULL;
	int		 c, rc = 1;

	pf_log_init(argv[0]);
	while ((c = getopt(argc, argv, "d:s:h")) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* A client that hangs up must not kill the worker. */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	memset(&api, 0, sizeof(api));
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING | PF_NODE_INDEX,
	    &n) != PF_OK)
		goto fail;
	/* After an upgrade from v0.1.0: the public page before any post. */
	if (pf_node_publish_missing(pf_store_dir(dir)) != PF_OK)
		pf_log("public pages: %s", pf_errmsg());
	api.st = n->st;
	api.conf = &n->conf;
	api.ix = n->ix;
	api.kr = n->kr;
	api.gnupghome = n->gnupghome;
	memcpy(api.self, n->self, sizeof(api.self));
	if (pf_api_etag_init(&api) != PF_OK || pf_http_open(sock, &h) != PF_OK)
		goto fail;
	/* The owner's forms carry an image: media_max plus the text. */
	pf_http_body_gate(h, pf_app_may_upload, &api,
	    (size_t)n->conf.media_max + 131072);
	pf_log("serving %s as %s on %s", pf_store_path(n->st), n->self,
	    sock ? sock : "fd 0");
	serve(h, &api);
	n->ix = api.ix;		/* maybe reopened: pf_node_close closes it */
	alarm(0);
	rc = 0;
	goto out;
fail:
	pf_log("%s", pf_errmsg());
out:
	pf_api_close(&api);
	pf_http_close(h);
	pf_node_close(n);
	return rc;
}
