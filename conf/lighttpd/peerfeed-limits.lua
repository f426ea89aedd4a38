-- peerfeed: lighttpd rate limits per client address (mod_magnet, Debian
-- package lighttpd-modules-lua), run by the snippet 50-peerfeed.conf for
-- every request under /peerfeed; install as /etc/lighttpd/peerfeed-limits.lua.
-- The same limits as nginx's peerfeed-limits.conf, whose comments say why
-- the numbers: POSTs only (the private requests, which cost the node an
-- OpenPGP decrypt and a signed answer each, and the owner's forms under
-- /app, the login among them), one token bucket per address and class:
--   private: 2 a second, 100 at once;  app: 1 every 2 s, 20 at once.
-- Beyond them: 429 with Retry-After and a JSON error as the responder's.
-- lighttpd runs this in its one process, so a table in _G (which
-- mod_magnet keeps from request to request) is shared by all requests.

local r = lighty.r
if r.req_attr["request.method"] ~= "POST" then
	return 0
end

-- Tokens a second and at once, per address: the private requests, the
-- owner's forms.
local limits = {
	p = { rate = 2, burst = 100 },
	a = { rate = 0.5, burst = 20 },
}
local G = _G
local class = "p"
if (r.req_attr["uri.path"] or ""):find("^/peerfeed/app/") then
	class = "a"
end
local rate, burst = limits[class].rate, limits[class].burst

-- Forget everyone when the table is full: at worst, a flood from many
-- addresses starts each of them on a full bucket again.
if G.pf_n == nil or G.pf_n > 16384 then
	G.pf_buckets, G.pf_n = {}, 0
end
local key = class .. (r.req_attr["request.remote-addr"] or "-")
local now = os.time()
local b = G.pf_buckets[key]
if b == nil then
	b = { tokens = burst, at = now }
	G.pf_buckets[key] = b
	G.pf_n = G.pf_n + 1
end
-- os.time() counts whole seconds; a clock stepping back refills nothing.
if now > b.at then
	b.tokens = math.min(burst, b.tokens + (now - b.at) * rate)
	b.at = now
end
if b.tokens < 1 then
	r.resp_header["Content-Type"] = "application/json"
	r.resp_header["X-Content-Type-Options"] = "nosniff"
	r.resp_header["Cache-Control"] = "no-store"
	r.resp_header["Retry-After"] = tostring(math.ceil(1 / rate))
	r.resp_body:set({ '{"error":"too many requests","detail":"over the ' ..
	    'web server\'s rate for this address"}\n' })
	return 429
end
b.tokens = b.tokens - 1
return 0
