/*
 * dht_record.h: a node's location record, as published in the OpenDHT
 * network (dht.h) under the key of its fingerprint, and the checks a
 * friend's record must pass before its URL is believed.
 *
 * A record is the bytes of one compact JSON object, a newline, and an
 * armored detached OpenPGP signature by the node's key over exactly those
 * JSON bytes:
 *	{"v":1,"fpr":"<40 or 64 hex>","urls":["https://..."],"time":<ms>}
 * urls holds 1 to PF_DHT_URLS_MAX http(s) base URLs, the preferred first;
 * time is the publisher's clock in milliseconds since the epoch.  Anybody
 * can store values under any key of the DHT, so a record is believed only
 * if every check passes: at most PF_DHT_RECORD_MAX bytes (before any gpg
 * work), strict JSON of exactly those members, fpr the friend looked up,
 * time not beyond PF_DHT_SKEW_MS in the future and newer than the last
 * record accepted from that friend (friends/<fpr>/dht.json), and exactly
 * one good signature by a usable (sub)key of the friend's pinned key.
 */
#ifndef PF_DHT_RECORD_H
#define PF_DHT_RECORD_H

#include "friend.h"
#include "pf.h"

struct pf_keyring;
struct pf_node;
struct pf_store;

#define PF_DHT_RECORD_MAX	4096	/* bytes of a record */
#define PF_DHT_URLS_MAX		4	/* URLs in a record */
#define PF_DHT_SKEW_MS		(5 * 60 * 1000)	/* a record's time ahead of ours */
#define PF_DHT_WAIT_MS		20000	/* default bound of a DHT operation */
#define PF_DHT_VALUES_MAX	32	/* values read under one key */
#define PF_DHT_VERIFY_MAX	8	/* signatures checked per lookup */

struct pf_dht_record {
	char	fpr[PF_FPR_MAX];
	char	urls[PF_DHT_URLS_MAX][PF_URL_MAX];
	size_t	nurls;
	int64_t	time_ms;
	char	sha[PF_SHA256_HEX];	/* of the whole record */
	size_t	json_len;		/* bytes of the JSON line */
};

/* The last record accepted from a friend: friends/<fpr>/dht.json. */
struct pf_dht_seen {
	int64_t	time_ms;		/* 0: none yet */
	char	sha[PF_SHA256_HEX];	/* "" when none */
};

/*
 * The record of the owner (fpr, the node's key in kr) listing urls[0..n)
 * at time_ms, signed, into out.  PF_ERR_INVALID for a URL that is not
 * http(s), PF_ERR_LIMIT if it would exceed PF_DHT_RECORD_MAX.
 */
enum pf_err	 pf_dht_record_build(struct pf_keyring *, const char *fpr,
		    const char *const *urls, size_t n, int64_t time_ms,
		    struct pf_buf *out);

/*
 * Every check but the signature, in plain C (no gpg process): size, the
 * split into JSON and signature, strict JSON, members, expect (when not
 * NULL) equal to fpr, URLs, time at most now_ms + PF_DHT_SKEW_MS.
 * PF_ERR_LIMIT, PF_ERR_INVALID or PF_ERR_STALE with the rule in the
 * message.  *out is filled on success.
 */
enum pf_err	 pf_dht_record_parse(const void *buf, size_t len, const char *expect,
		    int64_t now_ms, struct pf_dht_record *out);

/*
 * The signature of a record pf_dht_record_parse() accepted as rec: exactly
 * one good signature over the JSON line by a usable (sub)key of the pinned,
 * unblocked key rec->fpr.  PF_ERR_BADSIG or PF_ERR_FORBIDDEN otherwise.
 */
enum pf_err	 pf_dht_record_verify(struct pf_keyring *, const void *buf,
		    size_t len, const struct pf_dht_record *rec);

/* Read friends/<fpr>/dht.json; a zeroed *out when there is none. */
enum pf_err	 pf_dht_record_seen_load(struct pf_store *, const char *fpr,
		    struct pf_dht_seen *out);
/* Write friends/<fpr>/dht.json atomically (the caller holds the lock). */
enum pf_err	 pf_dht_record_seen_save(struct pf_store *, const char *fpr,
		    const struct pf_dht_seen *);

/* Told about every record a lookup refused, and why (one line). */
typedef void	(*pf_dht_report_fn)(const char *fpr, const char *why, void *arg);

/*
 * Sign the owner's record for urls[0..n) (when n is 0: the node's URLs,
 * urls.h, the preferred first, as many as fit PF_DHT_URLS_MAX and
 * PF_DHT_RECORD_MAX) with the time now and store it in the DHT of the node's
 * dht_listen and dht_bootstrap settings, waiting at most wait_ms.  rec,
 * when not NULL, gets the record published.  The node needs its keyring.
 * PF_ERR_CONFIG when this build has no DHT support or the node no URL.
 */
enum pf_err	 pf_dht_record_publish(struct pf_node *, const char *const *urls,
		    size_t n, int wait_ms, struct pf_buf *rec);
/*
 * Store the record in buf as it is (one made elsewhere, e.g. signed on
 * another machine) under the key of the fpr it names.  Only the plain-C
 * checks are made: the signature is the readers' business.
 */
enum pf_err	 pf_dht_record_put(struct pf_node *, const void *buf, size_t len,
		    int wait_ms);
/*
 * Look friend fpr up in the DHT, waiting at most wait_ms; check every
 * value found, the newest first, reporting each refused one; accept the
 * newest that passes every check and remember it in friends/<fpr>/dht.json
 * (under the store's writer lock, which the caller must not hold).  With
 * save_url, also make the record's first URL the friend's in
 * friends/<fpr>/state.json (cursor kept; *changed set to 1 when the URL
 * changed); the fetcher does that itself once a fetch through the URL
 * worked.  *out gets the record accepted now or earlier (the one still
 * published).  Errors: PF_ERR_NOTFOUND (no acceptable record; the
 * message counts the refused ones), PF_ERR_STALE (only records older than
 * the accepted one), PF_ERR_NETWORK, PF_ERR_CONFIG (no DHT in this build,
 * no dht_bootstrap, no keyring), PF_ERR_FORBIDDEN (fpr is not a friend,
 * or is blocked).
 */
enum pf_err	 pf_dht_record_lookup(struct pf_node *, const char *fpr, int wait_ms,
		    pf_dht_report_fn, void *arg, int save_url,
		    struct pf_dht_record *out, int *changed);

#endif
