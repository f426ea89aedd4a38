/* when.c: times as the owner reads and types them (when.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "when.h"

#define ZONEINFO	"/usr/share/zoneinfo/"

void
pf_when_zone(const char *zone)
{
	if (zone != NULL && *zone != '\0')
		setenv("TZ", zone, 1);
	tzset();
}

int
pf_when_zone_valid(const char *zone)
{
	char		path[256];
	struct stat	sb;

	if (*zone == '\0')
		return 1;
	if (strlen(zone) > 64 || strstr(zone, "..") != NULL || *zone == '/' ||
	    strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_+-") != strlen(zone))
		return 0;
	snprintf(path, sizeof(path), "%s%s", ZONEINFO, zone);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Local broken-down time of ms. */
static void
local_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);

	localtime_r(&t, tm);
}

enum pf_err
pf_when_parse(const char *what, const char *in, char out[PF_WHEN_MAX])
{
	struct tm	 tm;
	const char	*end;
	time_t		 t;
	int64_t		 ms;

	if (pf_time_parse(in, &ms) == PF_OK) {
		snprintf(out, PF_WHEN_MAX, "%s", in);
		return PF_OK;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(in, "%Y-%m-%d", &tm);
	if (end != NULL && (*end == ' ' || *end == 'T'))
		end = strptime(end + 1, "%H:%M", &tm);
	else
		end = NULL;
	if (end != NULL && *end == ':')
		end = strptime(end + 1, "%S", &tm);
	if (end == NULL || *end != '\0' || strlen(in) > 19)
		return pf_err(PF_ERR_INVALID, "%s: \"%.40s\" is not a date and "
		    "time (2026-12-24 18:00, in your time zone, or RFC 3339)",
		    what, in);
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, PF_WHEN_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return pf_err(PF_ERR_INVALID, "%s: no such local time", what);
	return PF_OK;
}

void
pf_when_local(int64_t ms, char out[PF_WHEN_MAX])
{
	struct tm tm;

	local_tm(ms, &tm);
	if (strftime(out, PF_WHEN_MAX, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		out[0] = '\0';
}

void
pf_when_ago(int64_t ms, int64_t now, char out[PF_WHEN_MAX])
{
	int64_t		s = (now - ms) / 1000;
	struct tm	tm;

	if (s < -60) {
		pf_when_local(ms, out);
	} else if (s < 60) {
		snprintf(out, PF_WHEN_MAX, "just now");
	} else if (s < 3600) {
		snprintf(out, PF_WHEN_MAX, "%lld min ago", (long long)(s / 60));
	} else if (s < 86400) {
		snprintf(out, PF_WHEN_MAX, "%lld h ago", (long long)(s / 3600));
	} else if (s < 7 * 86400) {
		snprintf(out, PF_WHEN_MAX, "%lld d ago", (long long)(s / 86400));
	} else {
		local_tm(ms, &tm);
		if (strftime(out, PF_WHEN_MAX, "%Y-%m-%d", &tm) == 0)
			out[0] = '\0';
	}
}

void
pf_when_event(int64_t start_ms, int64_t end_ms, char out[2 * PF_WHEN_MAX])
{
	struct tm	a, b;
	char		s[PF_WHEN_MAX], e[PF_WHEN_MAX] = "";

	local_tm(start_ms, &a);
	if (strftime(s, sizeof(s), "%a %d %b %Y, %H:%M", &a) == 0)
		s[0] = '\0';
	if (end_ms >= 0) {
		local_tm(end_ms, &b);
		if (strftime(e, sizeof(e), a.tm_yday == b.tm_yday &&
		    a.tm_year == b.tm_year ? "-%H:%M" : " to %a %d %b %Y, %H:%M",
		    &b) == 0)
			e[0] = '\0';
	}
	snprintf(out, 2 * PF_WHEN_MAX, "%s%s %s", s, e, a.tm_zone ? a.tm_zone : "");
}
