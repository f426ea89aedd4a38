/* test_store.c: the state directory: layout, atomic writes, names, lock. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store.h"

static char dir[64];

/*
 * The durability order of every store write: the temp file's
 * data is written and fsynced, then renamed over the name, then the
 * directory is fsynced.  A crash test cannot see a missing fsync (SIGKILL
 * keeps the page cache), so the unit test is linked with
 * -Wl,--wrap=fsync,--wrap=renameat and records the calls in order.
 */
#define NCALLS	16
static struct call {
	char	what;		/* 'f' fsync of a file, 'd' of a directory, 'r' rename */
	char	path[256];	/* the fsynced path, or the rename's new name */
	char	from[256];	/* the rename's old name */
	off_t	size;		/* the fsynced file's size */
} calls[NCALLS];
static size_t ncalls;

int	__real_fsync(int);
int	__real_renameat(int, const char *, int, const char *);
int	__wrap_fsync(int);
int	__wrap_renameat(int, const char *, int, const char *);

static struct call *
record(char what)
{
	struct call *c = &calls[ncalls < NCALLS ? ncalls++ : NCALLS - 1];

	memset(c, 0, sizeof(*c));
	c->what = what;
	return c;
}

int
__wrap_fsync(int fd)
{
	struct stat	 sb;
	struct call	*c;
	char		 link[64];
	ssize_t		 n;

	if (fstat(fd, &sb) == 0) {
		c = record(S_ISDIR(sb.st_mode) ? 'd' : 'f');
		c->size = sb.st_size;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, c->path, sizeof(c->path) - 1);
		c->path[n > 0 ? n : 0] = '\0';
	}
	return __real_fsync(fd);
}

int
__wrap_renameat(int ofd, const char *old, int nfd, const char *new)
{
	struct call *c = record('r');

	snprintf(c->from, sizeof(c->from), "%s", old);
	snprintf(c->path, sizeof(c->path), "%s", new);
	return __real_renameat(ofd, old, nfd, new);
}

/* The calls of one write of sub/name (len bytes), exactly and in order. */
static void
assert_durable(const char *sub, const char *name, off_t len)
{
	char	 want[512];
	char	*slash;

	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[0].what, 'f');
	assert_int_equal(calls[0].size, len);
	slash = strrchr(calls[0].path, '/');
	assert_non_null(slash);
	assert_string_equal(slash + 1, calls[1].from);
	assert_int_equal(strncmp(calls[1].from, ".tmp-", 5), 0);
	assert_int_equal(calls[1].what, 'r');
	assert_string_equal(calls[1].path, name);
	assert_int_equal(calls[2].what, 'd');
	snprintf(want, sizeof(want), "%s/%s", dir, sub);
	assert_string_equal(calls[2].path, want);
	*slash = '\0';
	assert_string_equal(calls[0].path, want);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pfs.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_layout(void **state)
{
	static const char *sub[] = { "posts", "media", "friends", "public",
	    "gnupg", "tmp" };
	struct pf_store	*st;
	struct stat	 sb;
	char		 path[128];
	size_t		 i;

	(void)state;
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(pf_store_open(path, 0, &st), PF_ERR_NOTFOUND);
	snprintf(path, sizeof(path), "%s/node", dir);
	assert_int_equal(pf_store_open(path, 1, &st), PF_OK);
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s/node/%s", dir, sub[i]);
		assert_int_equal(stat(path, &sb), 0);
		assert_true(S_ISDIR(sb.st_mode));
	}
	snprintf(path, sizeof(path), "%s/node/gnupg", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	pf_store_close(st);
}

static void
test_write_read(void **state)
{
	struct pf_store	*st;
	struct pf_buf	 b = { 0 };
	char		**names;
	size_t		 n;

	(void)state;
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	assert_int_equal(pf_store_write(st, "posts/b.json", "two", 3), PF_OK);
	assert_int_equal(pf_store_write(st, "posts/a.json", "one", 3), PF_OK);
	assert_int_equal(pf_store_write(st, "posts/a.json", "uno!", 4), PF_OK);
	assert_int_equal(pf_store_read(st, "posts/a.json", 100, &b), PF_OK);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "uno!", 4);
	assert_int_equal(pf_store_read(st, "posts/a.json", 3, &b), PF_ERR_LIMIT);
	assert_int_equal(pf_store_read(st, "posts/none", 3, &b), PF_ERR_NOTFOUND);
	/* No temp file is left behind, and the listing is sorted. */
	assert_int_equal(pf_store_list(st, "posts", "", &names, &n), PF_OK);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "a.json");
	assert_string_equal(names[1], "b.json");
	pf_store_names_free(names, n);
	assert_int_equal(pf_store_unlink(st, "posts/a.json"), PF_OK);
	assert_false(pf_store_exists(st, "posts/a.json"));
	assert_int_equal(pf_store_unlink(st, "posts/a.json"), PF_OK);
	pf_buf_free(&b);
	pf_store_close(st);
}

static void
test_durable_order(void **state)
{
	struct pf_store	*st;
	char		 sha[PF_SHA256_HEX];

	(void)state;
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	ncalls = 0;
	assert_int_equal(pf_store_write(st, "posts/a.json", "one", 3), PF_OK);
	assert_durable("posts", "a.json", 3);
	ncalls = 0;
	assert_int_equal(pf_store_write(st, "posts/a.json", "uno!", 4), PF_OK);
	assert_durable("posts", "a.json", 4);
	ncalls = 0;
	assert_int_equal(pf_store_add_media(st, "media", "abc", 3, sha), PF_OK);
	assert_durable("media", sha, 3);
	/* Unlinking a name fsyncs its directory. */
	ncalls = 0;
	assert_int_equal(pf_store_unlink(st, "posts/a.json"), PF_OK);
	assert_int_equal(ncalls, 1);
	assert_int_equal(calls[0].what, 'd');
	pf_store_close(st);
}

static void
test_bad_names(void **state)
{
	static const char *bad[] = { "../x", "posts/../../x", "/etc/passwd",
	    "posts//x", "posts/./x", "", "posts/.." };
	struct pf_store	*st;
	struct pf_buf	 b = { 0 };
	size_t		 i;

	(void)state;
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pf_store_write(st, bad[i], "x", 1), PF_ERR_INVALID);
		assert_int_equal(pf_store_read(st, bad[i], 10, &b), PF_ERR_INVALID);
	}
	pf_store_close(st);
}

static void
test_lock(void **state)
{
	struct pf_store	*st;
	pid_t		 pid;
	int		 status;

	(void)state;
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	assert_int_equal(pf_store_lock(st, 0), PF_OK);
	pid = fork();
	if (pid == 0) {
		struct pf_store *other;
		if (pf_store_open(dir, 0, &other) != PF_OK)
			_exit(2);
		_exit(pf_store_lock(other, 0) == PF_ERR_LOCKED ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	pf_store_unlock(st);
	pid = fork();
	if (pid == 0) {
		struct pf_store *other;
		if (pf_store_open(dir, 0, &other) != PF_OK)
			_exit(2);
		_exit(pf_store_lock(other, 0) == PF_OK ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	pf_store_close(st);
}

static void
test_media(void **state)
{
	struct pf_store	*st;
	struct pf_buf	 b = { 0 };
	char		 src[128], sha[PF_SHA256_HEX];
	FILE		*f;

	(void)state;
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	snprintf(src, sizeof(src), "%s/pic.png", dir);
	assert_non_null(f = fopen(src, "w"));
	fputs("abc", f);
	fclose(f);
	assert_int_equal(pf_store_read_file(src, 100, &b), PF_OK);
	assert_int_equal(pf_store_add_media(st, "media", b.data, b.len, sha), PF_OK);
	assert_string_equal(sha,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(pf_store_exists(st, "media/"
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	assert_int_equal(pf_store_read_file(src, 2, &b), PF_ERR_LIMIT);
	pf_buf_free(&b);
	pf_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_durable_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_media, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
