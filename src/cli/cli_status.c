/*
 * cli_status.c: status (what the node is and holds) and doctor (what is
 * wrong with it, and what to do about each problem).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "envelope.h"
#include "net.h"
#include "friend.h"
#include "group.h"
#include "index.h"
#include "json.h"
#include "keyring.h"
#include "node.h"
#include "nodeinfo.h"
#include "passwd.h"
#include "post.h"
#include "reach.h"
#include "store.h"

#define SUN_PATH_MAX	107
#define AGENT_SOCKET	"/S.gpg-agent.extra"	/* gpg-agent's longest socket */
#define DISK_MIN	(200ULL * 1024 * 1024)	/* bytes: the fetcher's reserve */
#define DISK_MIN_PCT	5
#define INFO_MAX	65536			/* bytes of a GET <url>/ answer */

/* What status reports about posts, the index and the disk. */
struct counts {
	size_t		live, tomb, pub, group, key;	/* own posts */
	size_t		files;		/* post files, own and friends' */
	size_t		entries;	/* index entries */
	int		index;		/* the index exists and opens */
	int		pending;	/* an interrupted change waits */
	uint64_t	disk_free, disk_total;
};

/* Count own posts by kind and audience, from the files (the truth). */
static void
count_own(struct pf_node *n, struct counts *c)
{
	char		**names = NULL, rel[512];
	size_t		  nn = 0, i, j;
	struct pf_buf	  b = { 0 };
	struct pf_post	 *p;

	if (pf_store_list(n->st, "posts", ".json", &names, &nn) != PF_OK)
		return;
	c->files += nn;
	for (i = 0; i < nn; i++) {
		snprintf(rel, sizeof(rel), "posts/%s", names[i]);
		if (pf_store_read(n->st, rel, PF_POST_MAX, &b) != PF_OK ||
		    pf_post_parse(b.data, b.len, &p) != PF_OK)
			continue;
		if (p->tombstone)
			c->tomb++;
		else
			c->live++;
		for (j = 0; !p->tombstone && j < p->nto; j++) {
			c->pub += strcmp(p->to[j], "public") == 0;
			c->group += strncmp(p->to[j], "group:", 6) == 0;
			c->key += strncmp(p->to[j], "key:", 4) == 0;
		}
		pf_post_free(p);
	}
	pf_buf_free(&b);
	pf_store_names_free(names, nn);
}

/* Post files of every friend, index entries, the journal, free disk space. */
static void
count_rest(struct pf_node *n, struct counts *c)
{
	char		**fr = NULL, **names = NULL, rel[256], *path;
	size_t		  nf = 0, nn = 0, i;
	struct statvfs	  vfs;
	struct pf_index	 *ix = NULL;

	if (pf_friend_list(n->st, &fr, &nf) == PF_OK)
		for (i = 0; i < nf; i++) {
			snprintf(rel, sizeof(rel), "friends/%s/posts", fr[i]);
			if (pf_store_list(n->st, rel, ".json", &names, &nn) == PF_OK)
				c->files += nn;
			pf_store_names_free(names, nn);
		}
	pf_store_names_free(fr, nf);
	if (pf_store_exists(n->st, "index/data.mdb") &&
	    (path = pf_store_join(n->st, "index")) != NULL) {
		if (pf_index_open(path, PF_INDEX_RDONLY, &ix) == PF_OK &&
		    pf_index_count(ix, NULL, &c->entries) == PF_OK)
			c->index = 1;
		pf_index_close(ix);
		free(path);
	}
	c->pending = pf_store_exists(n->st, "tmp/journal");
	if (statvfs(pf_store_path(n->st), &vfs) == 0) {
		c->disk_free = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		c->disk_total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	}
}

/* A duration in seconds as "45s", "12m", "3h" or "2d". */
static void
age_fmt(int64_t s, char *out, size_t n)
{
	if (s < 120)
		snprintf(out, n, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(out, n, "%lldm", (long long)(s / 60));
	else if (s < 172800)
		snprintf(out, n, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, n, "%lldd", (long long)(s / 86400));
}

/* The groups fpr is in, comma-separated, into out ("" if none). */
static void
groups_of(struct pf_node *n, const char *fpr, char *out, size_t size)
{
	char	**auds = NULL;
	size_t	  na = 0, i, len = 0;

	out[0] = '\0';
	if (pf_group_audiences(n->gnupghome, fpr, &auds, &na) != PF_OK)
		return;
	for (i = 0; i < na; i++)
		if (strncmp(auds[i], "group:", 6) == 0 && len + 2 < size)
			len += (size_t)snprintf(out + len, size - len, "%s%s",
			    len ? "," : "", auds[i] + 6);
	free(auds);
}

/* One friend as a line of text or a JSON object, into b. */
static void
friend_out(struct pf_node *n, const struct pf_keyinfo *k, const char *groups,
    int json, struct pf_buf *b)
{
	struct pf_friend	f;
	char			age[32] = "";
	int64_t			s = -1;

	memset(&f, 0, sizeof(f));
	pf_friend_load(n->st, k->fpr, &f);
	if (f.time_ms > 0) {
		s = (pf_now_ms() - f.time_ms) / 1000;
		age_fmt(s < 0 ? 0 : s, age, sizeof(age));
	}
	if (!json) {
		pf_buf_printf(b, "  %s  %s%s\n    url: %s  groups: %s\n    last "
		    "fetch: %s%s%s%s\n", k->fpr, k->uid, k->disabled ? "  (blocked)" :
		    "", f.url[0] ? f.url : "(none)", groups[0] ? groups : "(none)",
		    f.result[0] ? f.result : "never", age[0] ? ", " : "", age,
		    age[0] ? " ago" : "");
		return;
	}
	pf_buf_printf(b, "{\"fingerprint\": \"%s\", \"uid\": ", k->fpr);
	pf_buf_json_str(b, k->uid);
	pf_buf_printf(b, ", \"blocked\": %s, \"url\": ", k->disabled ? "true" : "false");
	pf_buf_json_str(b, f.url);
	pf_buf_addstr(b, ", \"groups\": ");
	pf_buf_json_str(b, groups);
	pf_buf_addstr(b, ", \"last_result\": ");
	pf_buf_json_str(b, f.result);
	if (s >= 0)
		pf_buf_printf(b, ", \"last_age_s\": %lld}", (long long)s);
	else
		pf_buf_addstr(b, ", \"last_age_s\": null}");
}

/* Every friend (public key) into b. */
static enum pf_err
friends_out(struct pf_node *n, int json, struct pf_buf *b)
{
	struct pf_keyinfo	*v = NULL;
	size_t			 nv = 0, i, blocked = 0;
	char			 groups[512];
	enum pf_err		 e;

	if ((e = pf_keyring_list(n->kr, &v, &nv)) != PF_OK)
		return e;
	for (i = 0; i < nv; i++)
		blocked += v[i].disabled != 0;
	if (json)
		pf_buf_addstr(b, ", \"friends\": [");
	else
		pf_buf_printf(b, "friends:     %zu (%zu blocked)\n", nv, blocked);
	for (i = 0; i < nv; i++) {
		groups_of(n, v[i].fpr, groups, sizeof(groups));
		if (json && i > 0)
			pf_buf_addstr(b, ", ");
		friend_out(n, &v[i], groups, json, b);
	}
	if (json)
		pf_buf_addstr(b, "]");
	free(v);
	return PF_OK;
}

/* Identity and posts into b. */
static void
head_out(struct pf_node *n, const struct counts *c, int json, struct pf_buf *b)
{
	if (!json) {
		pf_buf_printf(b, "identity:    %s\nname:        %s\nurl:         %s\n"
		    "posts:       %zu live, %zu deleted (tombstones)\n"
		    "audiences:   %zu public, %zu to groups, %zu to single keys\n",
		    n->self, n->conf.name, n->conf.url[0] ? n->conf.url :
		    "(none: set url in peerfeed.conf)", c->live, c->tomb, c->pub,
		    c->group, c->key);
		return;
	}
	pf_buf_printf(b, "{\"fingerprint\": \"%s\", \"name\": ", n->self);
	pf_buf_json_str(b, n->conf.name);
	pf_buf_addstr(b, ", \"url\": ");
	pf_buf_json_str(b, n->conf.url);
	pf_buf_printf(b, ", \"posts\": {\"live\": %zu, \"tombstones\": %zu, "
	    "\"public\": %zu, \"group\": %zu, \"key\": %zu}", c->live, c->tomb,
	    c->pub, c->group, c->key);
}

/* Index health and disk space into b. */
static void
tail_out(struct pf_node *n, const struct counts *c, int json, struct pf_buf *b)
{
	unsigned pct = c->disk_total ? (unsigned)(c->disk_free * 100 / c->disk_total) : 0;

	if (json) {
		pf_buf_printf(b, ", \"index\": {\"present\": %s, \"entries\": %zu, "
		    "\"files\": %zu, \"pending\": %s}, \"disk\": {\"free_bytes\": "
		    "%llu, \"total_bytes\": %llu, \"free_percent\": %u}, "
		    "\"web_password\": %s}\n",
		    c->index ? "true" : "false", c->entries, c->files,
		    c->pending ? "true" : "false", (unsigned long long)c->disk_free,
		    (unsigned long long)c->disk_total, pct,
		    pf_passwd_isset(n->st) ? "true" : "false");
		return;
	}
	if (c->index)
		pf_buf_printf(b, "index:       %zu entries for %zu post files%s%s\n",
		    c->entries, c->files, c->entries != c->files ? " (differ: run "
		    "peerfeed check)" : "", c->pending ? "; an interrupted change "
		    "is pending (the next write finishes it)" : "");
	else
		pf_buf_printf(b, "index:       missing (run peerfeed reindex); %zu "
		    "post files\n", c->files);
	pf_buf_printf(b, "disk:        %llu MiB free of %llu MiB (%u%%) in %s\n",
	    (unsigned long long)(c->disk_free >> 20),
	    (unsigned long long)(c->disk_total >> 20), pct, pf_store_path(n->st));
	pf_buf_printf(b, "web page:    %s\n", pf_passwd_isset(n->st) ?
	    "password set (BASE/app/)" : "off (no password: peerfeed passwd)");
}

int
cli_status(const char *dir, int argc, char **argv)
{
	struct pf_node	*n = NULL;
	struct counts	 c;
	struct pf_buf	 b = { 0 };
	int		 json = 0, rc = 1;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		return cli_usage(cli_find("status"), 1);
	memset(&c, 0, sizeof(c));
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING, &n) != PF_OK) {
		rc = cli_fail(NULL);
		goto out;
	}
	count_own(n, &c);
	count_rest(n, &c);
	head_out(n, &c, json, &b);
	if (friends_out(n, json, &b) != PF_OK) {
		rc = cli_fail("friends");
		goto out;
	}
	tail_out(n, &c, json, &b);
	if (b.data != NULL)
		fputs(b.data, stdout);
	rc = 0;
out:
	pf_buf_free(&b);
	pf_node_close(n);
	return rc;
}

/* ---- doctor ---- */

enum level { OK, WARN, FAIL };

struct doctor {
	const char	*dir;
	struct pf_node	*n;		/* NULL if the node does not open */
	int		 fails;
};

static void
say(struct doctor *d, enum level l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print one finding: "OK   ...", "WARN ..." or "FAIL ...". */
static void
say(struct doctor *d, enum level l, const char *fmt, ...)
{
	static const char *const tag[] = { "OK  ", "WARN", "FAIL" };
	va_list	ap;

	printf("%s ", tag[l]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	d->fails += l == FAIL;
}

/* The state directory and gnupg/: owner, mode, socket path length. */
static void
check_dirs(struct doctor *d)
{
	struct stat	st;
	char		home[PATH_MAX], abs[PATH_MAX];
	size_t		len;

	if (stat(d->dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		say(d, FAIL, "%s: no state directory: run peerfeed init --name NAME",
		    d->dir);
		return;
	}
	if (st.st_mode & S_IWOTH)
		say(d, FAIL, "%s is world-writable: run chmod o-w %s", d->dir, d->dir);
	else if (st.st_uid != geteuid())
		say(d, WARN, "%s belongs to uid %u, not to you (uid %u): run "
		    "peerfeed as its owner", d->dir, (unsigned)st.st_uid,
		    (unsigned)geteuid());
	else
		say(d, OK, "state directory %s", d->dir);
	snprintf(home, sizeof(home), "%s/gnupg", d->dir);
	if (stat(home, &st) == -1 || !S_ISDIR(st.st_mode))
		say(d, FAIL, "%s is missing: restore it from a backup (peerfeed "
		    "import) or run peerfeed init in a new directory", home);
	else if (st.st_uid != geteuid())
		say(d, FAIL, "%s belongs to uid %u: gpg wants it owned by the user "
		    "running peerfeed: chown -R %u %s", home, (unsigned)st.st_uid,
		    (unsigned)geteuid(), home);
	else if ((st.st_mode & 077) != 0)
		say(d, FAIL, "%s has mode %04o: gpg wants 0700: run chmod 700 %s",
		    home, (unsigned)(st.st_mode & 07777), home);
	else
		say(d, OK, "%s is yours with mode 0700", home);
	if (realpath(home, abs) == NULL)
		return;
	len = strlen(abs) + strlen(AGENT_SOCKET);
	if (len > SUN_PATH_MAX)
		say(d, FAIL, "GNUPGHOME %s is too long for gpg-agent's sockets "
		    "(%zu > %d bytes): move the state directory to a shorter path",
		    abs, len, SUN_PATH_MAX);
	else
		say(d, OK, "GNUPGHOME path leaves room for gpg-agent's sockets "
		    "(%zu of %d bytes)", len, SUN_PATH_MAX);
}

/* Open the node and have gpg-agent sign a few bytes with the node key. */
static void
check_agent(struct doctor *d)
{
	static const char	probe[] = "peerfeed doctor\n";
	struct pf_buf		sig = { 0 };

	if (pf_node_open(d->dir, PF_NODE_KEYRING, &d->n) != PF_OK) {
		say(d, FAIL, "the node does not open: %s", pf_errmsg());
		d->n = NULL;
		return;
	}
	if (pf_envelope_sign(d->n->kr, probe, sizeof(probe) - 1, &sig) != PF_OK ||
	    pf_envelope_verify(d->n->kr, probe, sizeof(probe) - 1, sig.data,
	    sig.len, d->n->self) != PF_OK)
		say(d, FAIL, "gpg-agent cannot sign with the node key: %s: try "
		    "gpgconf --homedir %s --kill gpg-agent, and check the "
		    "permissions of that directory", pf_errmsg(), d->n->gnupghome);
	else
		say(d, OK, "gpg-agent signs with the node key %s", d->n->self);
	pf_buf_free(&sig);
	if (pf_store_format(d->n->st) < PF_STORE_FORMAT)
		say(d, OK, "state directory format %d (an older peerfeed's): "
		    "the next write upgrades it to %d", pf_store_format(d->n->st),
		    PF_STORE_FORMAT);
	else
		say(d, OK, "state directory format %d", pf_store_format(d->n->st));
}

/* "yes", "no", or "" when timedatectl cannot say (no systemd, a container). */
static void
ntp_state(char *out, size_t n)
{
	FILE	*p;

	out[0] = '\0';
	if (access("/usr/bin/timedatectl", X_OK) == -1 ||
	    (p = popen("/usr/bin/timedatectl show -p NTPSynchronized --value "
	    "2>/dev/null", "r")) == NULL)
		return;
	if (fgets(out, (int)n, p) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (pclose(p) != 0 || (strcmp(out, "yes") && strcmp(out, "no")))
		out[0] = '\0';
}

/* The clock: a plausible year, and NTP when systemd can tell. */
static void
check_clock(struct doctor *d)
{
	char		now[32], ntp[16];
	time_t		t = time(NULL);
	struct tm	tm;

	gmtime_r(&t, &tm);
	pf_time_fmt(pf_now_ms(), now);
	if (tm.tm_year + 1900 < 2024) {
		say(d, FAIL, "the clock says %s: set it (a Raspberry Pi has no "
		    "real-time clock: enable systemd-timesyncd); signatures and "
		    "private requests carry the time", now);
		return;
	}
	ntp_state(ntp, sizeof(ntp));
	if (strcmp(ntp, "no") == 0)
		say(d, WARN, "the clock (%s) is not synchronized: run timedatectl "
		    "set-ntp true", now);
	else
		say(d, OK, "clock %s%s", now, ntp[0] ? ", synchronized by NTP" :
		    " (NTP state unknown: no timedatectl answer)");
}

/* Free space where the state lives: the fetcher pauses below the reserve. */
static void
check_disk(struct doctor *d)
{
	struct statvfs	vfs;
	uint64_t	avail, total;

	if (statvfs(d->dir, &vfs) == -1)
		return;
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	if (avail < DISK_MIN || (total > 0 && avail * 100 / total < DISK_MIN_PCT))
		say(d, WARN, "only %llu MiB free in %s: below %d%% or 200 MiB the "
		    "fetcher stops storing friends' posts: free some space",
		    (unsigned long long)(avail >> 20), d->dir, DISK_MIN_PCT);
	else
		say(d, OK, "%llu MiB free in %s", (unsigned long long)(avail >> 20),
		    d->dir);
}

static void
count_problem(const char *file, const char *problem, void *arg)
{
	(void)file;
	(void)problem;
	(*(size_t *)arg)++;
}

/*
 * The inode of the data.mdb a /proc/<pid>/maps line maps, if the line's
 * path is under prefix (the node's index, or index.new where a reindex
 * put the old one before deleting it); 0 otherwise.  A line is
 * "range perms offset dev inode path".
 */
static unsigned long long
maps_index_ino(const char *line, const char *prefix)
{
	const char	*p = line, *path;
	char		*end;
	unsigned long long ino;
	int		 i;

	for (i = 0; i < 4 && p != NULL; i++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p == NULL)
		return 0;
	errno = 0;
	ino = strtoull(p, &end, 10);
	if (errno != 0 || end == p || (path = strchr(end, '/')) == NULL ||
	    strncmp(path, prefix, strlen(prefix)) != 0 ||
	    strstr(path + strlen(prefix), "/data.mdb") == NULL)
		return 0;
	return ino;
}

/* 1 if process pid maps an index data.mdb under prefix other than ino. */
static int
maps_stale(const char *pid, const char *prefix, unsigned long long ino)
{
	char			 path[300], line[PATH_MAX + 128];
	unsigned long long	 got;
	FILE			*f;
	int			 stale = 0;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;	/* gone, or another user's: not ours to judge */
	while (!stale && fgets(line, sizeof(line), f) != NULL)
		stale = (got = maps_index_ino(line, prefix)) != 0 && got != ino;
	fclose(f);
	return stale;
}

/*
 * Processes that still have an index open that a reindex replaced: a
 * responder reopens the index at its next request (pf_index_reopen), so
 * one listed here has been idle since, or is too old to reopen, and
 * would serve stale pages and put nonces where no one reads them.  The
 * kernel's own record, /proc/<pid>/maps, names the inode of each mapped
 * file (Linux; other users' processes are not readable).
 */
static void
check_stale_index(struct doctor *d)
{
	char		 real[PATH_MAX], prefix[PATH_MAX + 32], pids[128] = "";
	struct stat	 sb;
	struct dirent	*de;
	DIR		*proc;
	size_t		 n = 0, len = 0;
	int		 k;

	if (realpath(d->dir, real) == NULL)
		return;
	k = snprintf(prefix, sizeof(prefix), "%s/index/data.mdb", real);
	if (k < 0 || (size_t)k >= sizeof(prefix) || stat(prefix, &sb) == -1 ||
	    (proc = opendir("/proc")) == NULL)
		return;
	prefix[strlen(prefix) - strlen("/data.mdb")] = '\0';
	while ((de = readdir(proc)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    !maps_stale(de->d_name, prefix, (unsigned long long)sb.st_ino))
			continue;
		if (len < sizeof(pids) - 16)
			len += (size_t)snprintf(pids + len, sizeof(pids) - len,
			    "%s%s", n > 0 ? " " : "", de->d_name);
		n++;
	}
	closedir(proc);
	/* A warning: a current responder reopens before it answers. */
	if (n > 0)
		say(d, WARN, "%zu process%s (pid %s) still hold%s the index "
		    "a reindex replaced: a responder reopens it at its next "
		    "request; restart one that still does after that "
		    "(systemctl restart peerfeed)", n, n == 1 ? "" : "es", pids,
		    n == 1 ? "s" : "");
}

/* The index exists and agrees with the files (pf_node_check). */
static void
check_index(struct doctor *d)
{
	char	*path, retired[8];
	size_t	 problems = 0;

	if (!pf_store_exists(d->n->st, "index/data.mdb")) {
		say(d, FAIL, "the index is missing: run peerfeed reindex");
		return;
	}
	if ((path = pf_store_join(d->n->st, "index")) == NULL ||
	    pf_index_open(path, PF_INDEX_RDONLY, &d->n->ix) != PF_OK)
		say(d, FAIL, "the index does not open (%s): run peerfeed reindex",
		    pf_errmsg());
	else if (pf_node_check(d->n, 0, count_problem, &problems, &problems) != PF_OK)
		say(d, FAIL, "cannot compare the index with the files: %s",
		    pf_errmsg());
	else if (problems > 0)
		say(d, FAIL, "%zu difference%s between the index and the files: run "
		    "peerfeed reindex (peerfeed check lists them)", problems,
		    problems == 1 ? "" : "s");
	else
		say(d, OK, "the index agrees with the post files");
	if (d->n->ix != NULL && pf_index_meta_get(d->n->ix,
	    PF_INDEX_META_RETIRED, retired, sizeof(retired)) == PF_OK)
		say(d, FAIL, "the index in place was retired by a reindex that "
		    "did not finish (responders refuse private requests): run "
		    "peerfeed reindex");
	check_stale_index(d);
	free(path);
}

/* The fingerprint a node-info answer names, into fpr; -1 if none. */
static int
info_fpr(const struct pf_buf *body, char fpr[PF_FPR_MAX])
{
	struct json_object	*doc = NULL;
	const char		*s;
	int			 rc = -1;

	if (pf_json_parse(body->data, body->len, 4, &doc) == PF_OK &&
	    pf_json_get_str(doc, "fingerprint", 40, 64, &s) == PF_OK &&
	    pf_fpr_normalize(s, fpr) == PF_OK)
		rc = 0;
	pf_json_free(doc);
	return rc;
}

/* GET <url>/ must answer with this node's fingerprint. */
static void
check_url(struct doctor *d)
{
	struct pf_net_limits	lim;
	struct pf_xfer		x = { 0 };
	char			u[PF_URL_MAX + 8], got[PF_FPR_MAX];
	const char		*url = d->n->conf.url;

	if (url[0] == '\0') {
		say(d, WARN, "no url in peerfeed.conf: friends cannot fetch from "
		    "this node: set url = https://HOST/peerfeed");
		return;
	}
	pf_net_limits_default(&lim, INFO_MAX);
	lim.connect_timeout = 3;
	lim.timeout = 5;
	lim.max_redirs = 0;
	snprintf(u, sizeof(u), "%s/", url);
	x.url = u;
	if (pf_net_run_one(&lim, &x) != PF_OK)
		say(d, FAIL, "url %s does not answer (%s): is the web server "
		    "running, and is url in peerfeed.conf right?", u, pf_errmsg());
	else if (x.status != 200)
		say(d, FAIL, "url %s answers HTTP %ld: check the web server's "
		    "peerfeed snippet and the responder", u, x.status);
	else if (info_fpr(&x.resp, got) == -1)
		say(d, FAIL, "url %s answers, but not with peerfeed's node info: "
		    "check the web server's peerfeed snippet", u);
	else if (strcmp(got, d->n->self) != 0)
		say(d, FAIL, "url %s answers with fingerprint %s, not this node's "
		    "%s: url points to another node", u, got, d->n->self);
	else
		say(d, OK, "url %s answers with this node's fingerprint", u);
	pf_xfer_free(&x);
}

/*
 * reach onion: tor made the name, and the onion URL answers through
 * tor_socks with this node's fingerprint.
 */
#define ONION_PROBE_S	30	/* seconds to connect through tor, at most */

static void
check_onion(struct doctor *d)
{
	struct pf_nodeinfo	info;
	char			url[PF_URL_MAX], why[PF_REACH_WHY_MAX];

	if (!pf_reach_onion_url(d->n, url, sizeof(url), why, sizeof(why)))
		say(d, FAIL, "reach onion: %s (doc/INSTALL.md, \"Friends on "
		    "other networks\")", why);
	else if (d->n->conf.tor_socks[0] == '\0')
		say(d, FAIL, "reach onion: tor made %s, but without tor_socks in "
		    "peerfeed.conf it cannot be tried from here: set tor_socks "
		    "= 127.0.0.1:9050", url);
	else if (pf_nodeinfo_get(url, ONION_PROBE_S, &info) != PF_OK)
		say(d, FAIL, "reach onion: %s does not answer through tor (%s): "
		    "is tor running (systemctl status tor), and has it published "
		    "the service (journalctl -u tor)?", url, pf_errmsg());
	else if (strcmp(info.fpr, d->n->self) != 0)
		say(d, FAIL, "reach onion: %s answers through tor for %s, not "
		    "this node: onion/ holds another node's service", url,
		    info.fpr);
	else
		say(d, OK, "reach onion: %s answers through tor with this node's "
		    "fingerprint", url);
}

/* peerfeed reach: what reach lists, and whether the router has the mapping. */
static void
check_reach(struct doctor *d)
{
	char why[PF_REACH_WHY_MAX];

	if (strstr(d->n->conf.reach, "onion") != NULL)
		check_onion(d);
	if (strstr(d->n->conf.reach, "upnp") == NULL) {
		say(d, OK, "reach: no port mapping wanted (reach = %s)",
		    d->n->conf.reach[0] ? d->n->conf.reach : "(empty)");
		return;
	}
	if (pf_reach_verify(d->n, why, sizeof(why)) == PF_OK)
		say(d, OK, "reach upnp: %s", why);
	else
		say(d, FAIL, "reach upnp: %s: run peerfeed reach and read what "
		    "it says (its timer renews the mapping every 10 minutes)",
		    why);
	/* The pinhole, where reach opened one (a bonus: none is no fault). */
	if (pf_reach_verify6(d->n, why, sizeof(why)) == PF_OK)
		say(d, OK, "reach upnp6: %s", why);
	else if (why[0] != '\0')
		say(d, FAIL, "reach upnp6: %s: run peerfeed reach (its timer "
		    "renews the pinhole every 10 minutes)", why);
}

int
cli_doctor(const char *dir, int argc, char **argv)
{
	struct doctor	d = { pf_store_dir(dir), NULL, 0 };

	(void)argv;
	if (argc != 1)
		return cli_usage(cli_find("doctor"), 1);
	check_dirs(&d);
	check_agent(&d);
	check_clock(&d);
	check_disk(&d);
	if (d.n != NULL) {
		check_index(&d);
		check_url(&d);
		check_reach(&d);
	}
	pf_node_close(d.n);
	if (d.fails > 0)
		printf("%d problem%s to fix (FAIL above)\n", d.fails,
		    d.fails == 1 ? "" : "s");
	return d.fails > 0;
}
