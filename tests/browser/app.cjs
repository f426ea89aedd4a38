// app.cjs: the owner's web page in a real browser (Debian's chromium,
// headless, driven by playwright-core), run by
// tests/integration/t0610-app-browser.sh, which starts the nodes and
// passes them in the environment:
//   APP           http://127.0.0.1:PORT/peerfeed/app (no trailing slash)
//   PASSWORD      the owner's web password
//   SECRET        text of an owner's post no stranger may see
//   FRIEND_URL, FRIEND_FPR, FRIEND_POST   the friend to add, a post of theirs
//   OWN_ASKED, FRIEND_ANSWER   an owner's post the friend liked and the
//                 friend's comment on it
//   FETCH_CMD     shell command that runs peerfeed-fetch on the owner's node
//   IMAGE         a PNG file to upload
//   ARTIFACTS     directory for the screenshots (phone and desktop widths)
// JavaScript is off in the browser: the page must work without it.
// Prints TAP lines; exits 1 if any check failed.
'use strict';
const { chromium } = require('playwright-core');
const { execSync } = require('child_process');
const path = require('path');

const env = (k) => {
	if (!process.env[k]) throw new Error(`${k} is not set`);
	return process.env[k];
};
const APP = env('APP'), PASSWORD = env('PASSWORD'), SECRET = env('SECRET');
const ART = env('ARTIFACTS');
let n = 0, failed = 0;

function report(ok, what, detail) {
	n++;
	if (!ok) failed++;
	console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}`);
	if (!ok && detail) console.log(`# ${String(detail).split('\n').join('\n# ')}`);
}

async function check(what, fn) {
	try {
		const r = await fn();
		report(r !== false, what);
	} catch (e) {
		report(false, what, e.stack || e);
	}
}

async function shots(page, name) {
	for (const [w, h, tag] of [[390, 844, 'phone'], [1280, 800, 'desktop']]) {
		await page.setViewportSize({ width: w, height: h });
		await page.screenshot({ path: path.join(ART, `${name}-${tag}.png`),
		    fullPage: true });
	}
}

// The <article> of the post whose text contains s.
const article = (page, s) => page.locator('article', { hasText: s }).first();

async function post(page, fields) {
	await page.goto(`${APP}/`);
	const f = page.locator('form[action$="/app/post"]');
	for (const d of ['Image', 'Link', 'Place', 'Event or activity'])
		await f.locator('summary', { hasText: d }).click();
	if (fields.type) await f.getByLabel('Kind').selectOption(fields.type);
	if (fields.content) await f.getByLabel('Text').fill(fields.content);
	if (fields.to) await f.getByLabel('Audience').selectOption(fields.to);
	if (fields.image) await f.getByLabel(/Image file/).setInputFiles(fields.image);
	if (fields.link) await f.getByLabel('Link URL').fill(fields.link);
	if (fields.name) await f.getByLabel(/^Name/).fill(fields.name);
	if (fields.place) await f.getByLabel('Place name').fill(fields.place);
	if (fields.lat) await f.getByLabel('Latitude').fill(fields.lat);
	if (fields.lon) await f.getByLabel('Longitude').fill(fields.lon);
	if (fields.start) await f.getByLabel(/^Starts/).fill(fields.start);
	if (fields.end) await f.getByLabel(/^Ends/).fill(fields.end);
	await f.getByRole('button', { name: 'Post' }).click();
	await page.waitForLoadState();
	return page.locator('.notice').textContent();
}

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],	// headless as root
	});
	const opts = { javaScriptEnabled: false, viewport: { width: 390, height: 844 } };

	// --- a stranger ---
	const stranger = await browser.newContext(opts);
	const sp = await stranger.newPage();
	await check('a stranger gets 401 and the login form, nothing else', async () => {
		const r = await sp.goto(`${APP}/`);
		const body = await sp.content();
		return r.status() === 401 && !body.includes(SECRET) &&
		    await sp.getByLabel('Password').count() === 1;
	});
	await shots(sp, 'login');
	await check('a wrong password gets 401 and no session', async () => {
		await sp.getByLabel('Password').fill('not the password');
		const [r] = await Promise.all([sp.waitForNavigation(),
		    sp.getByRole('button', { name: 'Log in' }).click()]);
		const cookies = await stranger.cookies();
		return r.status() === 401 && !(await sp.content()).includes(SECRET) &&
		    !cookies.some((c) => c.name === 'pfsid') &&
		    (await sp.locator('[role=alert]').textContent()).includes('Wrong password');
	});
	await check('a forged session cookie gets 401', async () => {
		const u = new URL(APP);
		await stranger.addCookies([{ name: 'pfsid', value: 'a'.repeat(64),
		    domain: u.hostname, path: u.pathname + '/' }]);
		const r = await sp.goto(`${APP}/friends`);
		return r.status() === 401 && !(await sp.content()).includes(SECRET);
	});

	// --- the owner, logging in with the keyboard ---
	// The wrong password above closed the login for 2 seconds.
	await new Promise((resolve) => setTimeout(resolve, 2100));
	const owner = await browser.newContext(opts);
	const page = await owner.newPage();
	await check('log in (keyboard only)', async () => {
		await page.goto(`${APP}/login`);
		await page.getByLabel('Password').focus();
		await page.keyboard.type(PASSWORD);
		await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		return page.url() === `${APP}/` &&
		    await page.getByRole('heading', { name: 'Timeline' }).count() === 1 &&
		    (await page.content()).includes(SECRET);
	});
	await check('the session cookie is HttpOnly, Secure, SameSite=Strict', async () => {
		const c = (await owner.cookies()).find((x) => x.name === 'pfsid');
		return c && c.httpOnly && c.secure && c.sameSite === 'Strict' &&
		    c.path === new URL(APP).pathname + '/';
	});
	await check('every form control has a label', async () => {
		for (const p of [`${APP}/`, `${APP}/friends`]) {
			await page.goto(p);
			const bad = await page.locator('input:not([type=hidden]), select, textarea')
			    .evaluateAll((els) => els.filter((e) => e.labels.length === 0).length);
			if (bad !== 0) return false;
		}
		return true;
	});

	await check('post a status', async () =>
	    (await post(page, { content: 'Hello from the browser <i>escaped</i>' })) === 'Posted.' &&
	    await article(page, 'Hello from the browser <i>escaped</i>').count() === 1);
	await check('post an image, shown inline', async () => {
		await post(page, { content: 'a red square', image: env('IMAGE') });
		const img = article(page, 'a red square').locator('img');
		return await img.evaluate((i) => i.complete && i.naturalWidth === 64);
	});
	await check('post a link, shown with its title', async () => {
		await post(page, { content: 'read this', link: 'https://example.org/x',
		    name: 'An example' });
		const a = article(page, 'read this').getByRole('link', { name: 'An example' });
		return await a.getAttribute('href') === 'https://example.org/x';
	});
	await check('post a place, with coordinates and a map link', async () => {
		await post(page, { content: 'sunny here', place: 'Englischer Garten',
		    lat: '48.1642', lon: '11.6056' });
		const art = article(page, 'sunny here');
		return (await art.textContent()).includes('48.164200, 11.605600') &&
		    (await art.getByRole('link', { name: 'map' }).getAttribute('href'))
		    .includes('mlat=48.164200');
	});
	await check('post an event, with its times', async () => {
		await post(page, { type: 'Event', name: 'Garden party', content: 'bring a chair',
		    start: '2026-12-24T18:00', end: '2026-12-24T23:30' });
		const t = await article(page, 'Garden party').textContent();
		// The node's zone is the system's (UTC here): read humanized.
		return t.includes('Thu 24 Dec 2026, 18:00-23:30');
	});
	await shots(page, 'timeline');

	await check('edit a post', async () => {
		await article(page, 'read this').getByRole('link', { name: 'Edit' }).click();
		await page.getByLabel('Text').fill('read this, edited');
		await page.getByRole('button', { name: 'Save' }).click();
		return await page.locator('.notice').textContent() === 'Saved.' &&
		    (await article(page, 'read this, edited').textContent()).includes('(edited)');
	});
	await check('delete a post', async () => {
		await article(page, 'sunny here').getByRole('button', { name: 'Delete' }).click();
		return await page.locator('.notice').textContent() === 'Deleted.' &&
		    await article(page, 'sunny here').count() === 0;
	});

	// --- friends ---
	await check('add a friend by URL and fingerprint', async () => {
		await page.goto(`${APP}/friends`);
		const f = page.locator('form', { hasText: 'From their node' });
		await f.getByLabel('Node URL').fill(env('FRIEND_URL'));
		await f.getByLabel(/^Fingerprint/).fill(env('FRIEND_FPR'));
		await f.getByLabel(/^Group/).fill('family');
		await f.getByRole('button', { name: 'Add friend' }).click();
		return await page.locator('.notice').textContent() === 'Friend added.' &&
		    (await page.locator(`#f-${env('FRIEND_FPR')}`).textContent())
		    .includes('Groups: family');
	});
	await check('post to a group; the audience is shown', async () => {
		await post(page, { content: 'for the family', to: 'group:family' });
		return (await article(page, 'for the family').locator('.aud').textContent())
		    === 'group family';
	});
	await check("the friend's post appears after peerfeed-fetch", async () => {
		execSync(env('FETCH_CMD'), { stdio: 'inherit' });
		await page.goto(`${APP}/`);
		return await article(page, env('FRIEND_POST')).count() === 1;
	});
	await check("like the friend's post", async () => {
		await article(page, env('FRIEND_POST')).getByRole('button', { name: 'Like' }).click();
		return await page.locator('.notice').textContent() === 'Liked.' &&
		    await article(page, env('FRIEND_POST')).locator('.likes')
		    .textContent() === '1 like: Alice' &&
		    await page.locator('article', { hasText: 'Likes a post by' }).count() === 0;
	});
	await check("comment on the friend's post", async () => {
		const art = article(page, env('FRIEND_POST'));
		await art.locator('summary', { hasText: 'Comment' }).click();
		await art.getByLabel(/Your comment/).fill('what a nice post');
		await art.getByRole('button', { name: 'Send comment' }).click();
		// The comment is inside the post it answers, not an entry of its own.
		const c = article(page, env('FRIEND_POST'))
		    .locator('.comments article', { hasText: 'what a nice post' });
		return await page.locator('.notice').textContent() === 'Comment sent.' &&
		    await c.count() === 1 &&
		    (await c.locator('.aud').first().textContent()).startsWith('only ') &&
		    await page.locator('main > section > article', { hasText: 'what a nice post' })
		    .count() === 1;
	});
	await check('filters: one friend, friends only, everyone', async () => {
		await page.goto(`${APP}/`);
		await page.getByLabel('Show').selectOption(`friend:${env('FRIEND_FPR')}`);
		await page.getByRole('button', { name: 'Show', exact: true }).click();
		const one = await page.content();
		await page.goto(`${APP}/?show=friends`);
		const friends = await page.content();
		await page.goto(`${APP}/?show=`);
		const all = await page.content();
		return one.includes(env('FRIEND_POST')) && !one.includes('Hello from the browser') &&
		    friends.includes(env('FRIEND_POST')) && !friends.includes('a red square') &&
		    all.includes('a red square') && all.includes(env('FRIEND_POST'));
	});
	await check("the Mentions tab: who liked and answered the owner's post", async () => {
		await page.goto(`${APP}/`);
		await page.getByRole('link', { name: 'Mentions' }).click();
		const a = article(page, env('OWN_ASKED'));
		return await a.locator('.likes').textContent() === '1 like: Bob' &&
		    await a.locator('.comments article', { hasText: env('FRIEND_ANSWER') })
		    .count() === 1 && !(await page.content()).includes('a red square');
	});
	await shots(page, 'timeline-friend');
	const row = () => page.locator(`#f-${env('FRIEND_FPR')}`);
	await check('move the friend to another group', async () => {
		await page.goto(`${APP}/friends`);
		await row().getByLabel('or a new group').fill('work');
		await row().getByRole('button', { name: 'Move' }).click();
		return await page.locator('.notice').textContent() === 'Groups changed.' &&
		    (await row().textContent()).includes('Groups: work');
	});
	await check('block the friend', async () => {
		await row().getByRole('button', { name: 'Block' }).click();
		return await page.locator('.notice').textContent() === 'Blocked.' &&
		    (await row().textContent()).includes('(blocked)');
	});
	await shots(page, 'friends');

	// --- forms need the CSRF token; the session ends with logout ---
	await check('a POST without the CSRF token gets 403', async () => {
		const r = await page.request.post(`${APP}/post`, { form: { content: 'forged' } });
		return r.status() === 403 && !(await r.text()).includes(SECRET);
	});
	await check('after logout the page is closed again', async () => {
		await page.getByRole('button', { name: 'Log out' }).click();
		const r = await page.goto(`${APP}/`);
		return r.status() === 401 && !(await page.content()).includes(SECRET);
	});

	await browser.close();
	console.log(`# ${n} checks, ${failed} failed`);
	process.exit(failed ? 1 : 0);
})().catch((e) => {
	console.log(`not ok - ${e.stack || e}`);
	process.exit(1);
});
