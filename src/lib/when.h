/*
 * when.h: times as the owner reads and types them, in the owner's time
 * zone (the timezone setting of peerfeed.conf, else the system's).  The
 * wire keeps RFC 3339 UTC (doc/PROTOCOL.md); only people see local time.
 */
#ifndef PF_WHEN_H
#define PF_WHEN_H

#include "pf.h"

#define PF_WHEN_MAX	64	/* bytes of any string below, NUL included */

/* Use zone ("Europe/Berlin"; "" = the system's) for this process. */
void		 pf_when_zone(const char *zone);
/* 1 if zone is "" or names a zone in the system's tz database, else 0. */
int		 pf_when_zone_valid(const char *zone);
/*
 * A time the owner typed: "2026-12-24 18:00" (or with 'T', optional
 * ":ss") in the owner's zone, or an RFC 3339 time, as RFC 3339 UTC into
 * out.  PF_ERR_INVALID, naming what, if it is neither.
 */
enum pf_err	 pf_when_parse(const char *what, const char *in,
		    char out[PF_WHEN_MAX]);
/* "2026-12-24 18:00 CET": ms in the owner's zone. */
void		 pf_when_local(int64_t ms, char out[PF_WHEN_MAX]);
/*
 * ms relative to now: "just now", "5 min ago", "3 h ago", "2 d ago", then
 * the local date ("2026-11-24"); a time ahead of now by more than a
 * minute is shown as its local time.
 */
void		 pf_when_ago(int64_t ms, int64_t now, char out[PF_WHEN_MAX]);
/*
 * An event's times as a person says them: "Thu 24 Dec 2026, 18:00-22:00
 * CET", or with the end's own date when it ends on another day.  end_ms
 * < 0: no end.
 */
void		 pf_when_event(int64_t start_ms, int64_t end_ms,
		    char out[2 * PF_WHEN_MAX]);

#endif
