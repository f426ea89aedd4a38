/*
 * dht.h: a node of the OpenDHT network (dht.c is the only user of
 * libopendht-c; built with --with-opendht).  A short-lived runner is
 * started on the configured UDP port, joins through the configured
 * bootstrap nodes, stores or reads the values under the key of one
 * fingerprint, and stops.  The values are opaque here: dht_record.c
 * builds and checks them.  Every wait is bounded.
 *
 * The key of fingerprint F is the OpenDHT InfoHash (SHA-1) of the bytes
 * "peerfeed-node-v1:" F, F in uppercase hex.
 */
#ifndef PF_DHT_H
#define PF_DHT_H

#include "pf.h"

struct pf_dht;

#define PF_DHT_KEY_PREFIX	"peerfeed-node-v1:"
#define PF_DHT_BOOTSTRAP_MAX	8	/* bootstrap nodes used, at most */

/* A value read from the DHT: len bytes at data, owned by the array. */
struct pf_dht_value {
	unsigned char	*data;
	size_t		 len;
};

/*
 * Check the syntax of the dht_listen ("[ADDR:]PORT", "" for any port)
 * and dht_bootstrap ("host:port" entries separated by commas or spaces,
 * "[v6addr]:port" for IPv6) settings, without any network traffic.
 * PF_ERR_CONFIG naming the key and the rule.  *port gets the listen port.
 */
enum pf_err	 pf_dht_check_conf(const char *listen, const char *bootstrap,
		    unsigned *port);

/*
 * Start a DHT node bound to the listen port on every address and ask the
 * bootstrap nodes to let it in.  PF_ERR_CONFIG for a bad setting or an
 * empty bootstrap list, PF_ERR_SYS if the port cannot be bound.  *out is
 * the caller's, for pf_dht_close().
 */
enum pf_err	 pf_dht_open(const char *listen, const char *bootstrap,
		    struct pf_dht **out);
/* Stop the node and free it; NULL is fine. */
void		 pf_dht_close(struct pf_dht *);

/* The hex InfoHash (40 lowercase digits) under which fpr's values live. */
void		 pf_dht_key(const char *fpr, char hex[41]);

/*
 * Store len bytes under fpr's key, waiting at most timeout_ms for at
 * least one node to confirm.  PF_ERR_NETWORK when none did in time.
 */
enum pf_err	 pf_dht_put(struct pf_dht *, const char *fpr, const void *data,
		    size_t len, int timeout_ms);

/*
 * Read the values under fpr's key, waiting at most timeout_ms for the
 * search to end.  At most max values of at most maxlen bytes each are
 * kept (*dropped counts the others).  *vals is an array of *n values the
 * caller frees with pf_dht_values_free(); it may be empty.
 * PF_ERR_NETWORK if the search failed or timed out with nothing found.
 */
enum pf_err	 pf_dht_get(struct pf_dht *, const char *fpr, size_t maxlen,
		    size_t max, int timeout_ms, struct pf_dht_value **vals,
		    size_t *n, size_t *dropped);
void		 pf_dht_values_free(struct pf_dht_value *, size_t n);

#endif
