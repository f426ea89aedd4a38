/*
 * driver.c: replay a corpus through LLVMFuzzerTestOneInput without
 * libFuzzer.  The corpus is argv[1], else
 * $top_srcdir/tests/fuzz/corpus/<name> where the program is fuzz_<name>.
 * Each file is read into a buffer of exactly its size, so a sanitizer or
 * valgrind sees any read past the end.  Exit 0 when every file ran.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static int
replay(int dfd, const char *name)
{
	struct stat	 st;
	uint8_t		*buf;
	ssize_t		 r;
	size_t		 off = 0;
	int		 fd;

	if ((fd = openat(dfd, name, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", name);
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if ((buf = malloc(st.st_size ? (size_t)st.st_size : 1)) == NULL)
		err(1, NULL);
	while (off < (size_t)st.st_size) {
		if ((r = read(fd, buf + off, st.st_size - off)) <= 0)
			err(1, "%s: read", name);
		off += r;
	}
	close(fd);
	LLVMFuzzerTestOneInput(buf, off);
	free(buf);
	return 1;
}

int
main(int argc, char *argv[])
{
	char		 path[PATH_MAX];
	const char	*dir, *top, *name;
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if (argc > 1)
		dir = argv[1];
	else {
		name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
		if (strncmp(name, "fuzz_", 5) == 0)
			name += 5;
		if ((top = getenv("top_srcdir")) == NULL)
			top = ".";
		if ((size_t)snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s",
		    top, name) >= sizeof(path))
			errx(1, "corpus path too long");
		dir = path;
	}
	if ((d = opendir(dir)) == NULL)
		err(1, "%s", dir);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n += replay(dirfd(d), de->d_name);
	closedir(d);
	if (n == 0)
		errx(1, "%s: empty corpus", dir);
	printf("%s: %d inputs replayed\n", dir, n);
	return 0;
}
