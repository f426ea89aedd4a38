/*
 * node_friend.h: friends as the owner manages them, for the CLI and the
 * web page alike (node_friend.c).  The caller holds the writer lock.
 */
#ifndef PF_NODE_FRIEND_H
#define PF_NODE_FRIEND_H

#include "pf.h"

struct pf_node;

/* GET <url>/key into out, at most PF_KEY_MAX bytes, 30 s at most. */
enum pf_err	 pf_node_friend_fetch_key(const char *url, struct pf_buf *out);
/*
 * Add a friend: import key[0..len) (or, when key is NULL, the key served
 * at url/key, which then must have fingerprint expect), pinned to expect
 * when it is not NULL; make friends/<fpr>/ fetching from url (may be
 * NULL); put it in group (may be NULL).  fpr gets the friend's key.
 */
enum pf_err	 pf_node_friend_add(struct pf_node *, const void *key, size_t len,
		    const char *url, const char *expect, const char *group,
		    char fpr[PF_FPR_MAX]);
/*
 * Move friend fpr into group alone (created if new), out of every other
 * group; group NULL takes it out of all of them.
 */
enum pf_err	 pf_node_friend_group(struct pf_node *, const char *fpr,
		    const char *group);

#endif
