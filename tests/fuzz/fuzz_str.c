/* fuzz_str.c: the string helper the targets share. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

char *
fuzz_str(const uint8_t *data, size_t len)
{
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}
