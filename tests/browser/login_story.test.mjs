// login_story.test.mjs - the seed's §5 (登录联网直报系统) and FAQ 4-7 with
// real processes: certsvc, certhelper and reportsys.  Started by
// tests/reportsys/login_story.sh, which passes:
//   BASE        the service            HELPER  the certificate helper
//   RS          reportsys "zhibao"     RS_CLOCK  reportsys "zhibao-clock"
//   CLOCK_FILE  libfaketime's offset file of RS_CLOCK ("+Nd")
//   EVIL        a page on another origin (evil.html)
//   DB          the service's SQLite file (captcha answers, honestly)
//   CONSOLE_URL the helper's console with its token
//   CERTHELPER  the certhelper binary          OUT  screenshots
// The tests run in order and build on each other (one machine, one
// keystore): demo1 and demo2 download certificates, then log in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (k) => {
	if (!process.env[k])
		throw new Error(`login_story.test.mjs: ${k} is not set (run tests/reportsys/login_story.sh)`);
	return process.env[k];
};
const BASE = env('BASE');
const HELPER = env('HELPER');
const RS = env('RS');
const RS_CLOCK = env('RS_CLOCK');
const CLOCK_FILE = env('CLOCK_FILE');
const EVIL = env('EVIL');
const DB = env('DB');
const CONSOLE_URL = env('CONSOLE_URL');
const CERTHELPER = env('CERTHELPER');
const OUT = process.env.OUT || tmpdir();
const ACCOUNTS = {
	demo1: 'Demo@2026a',
	demo2: 'Demo@2026b',
	demo3: 'Demo@2026c',
};
const CHAL = 'A'.repeat(43);

let browser;
const certs = {};           // username -> { serial, uscc, org }
const cspErrors = [];

function sql(query) {
	return execFileSync('sqlite3', ['-readonly', DB, query], { encoding: 'utf8' }).trim();
}

async function newPage({ watchCsp = true } = {}) {
	const ctx = await browser.newContext({ locale: 'zh-CN' });
	const page = await ctx.newPage();
	if (watchCsp)
		page.on('console', (m) => {
		if (/Content[ -]Security[ -]Policy/i.test(m.text()))
			cspErrors.push(m.text());
	});
	return page;
}

async function shot(page, name) {
	await page.screenshot({ path: join(OUT, `login-${name}.png`), fullPage: true });
}

// The service's login form (申请证书 / 废除证书) with the captcha's answer.
async function serviceLogin(page, user) {
	const cid = await page.locator('input[name=cid]').inputValue();
	const answer = sql(`SELECT answer FROM captchas WHERE id = '${cid}'`);
	assert.match(answer, /^[A-Z0-9]{4}$/);
	await page.fill('#username', user);
	await page.fill('#password', ACCOUNTS[user]);
	await page.fill('#captcha', answer);
	await Promise.all([page.waitForLoadState('load'), page.click('#login-submit')]);
}

// 申请证书 → 下载证书 → 下载成功: the certificate lands in the helper.
async function download(user) {
	const page = await newPage();
	await page.goto(BASE + '/apply');
	await serviceLogin(page, user);
	assert.equal(new URL(page.url()).pathname, '/apply/cert');
	const uscc = (await page.locator('#uscc').innerText()).trim();
	const org = (await page.locator('#org').innerText()).trim();
	await page.locator('#helper[data-state=running]').waitFor({ timeout: 10000 });
	await page.getByRole('button', { name: '下载证书', exact: true }).click();
	await page.locator('#enroll-ok').waitFor({ timeout: 30000 });
	const serial = (await page.locator('#serial').innerText()).trim();
	assert.match(serial, /^[0-9A-F]+$/);
	certs[user] = { serial, uscc, org };
	await page.context().close();
	return certs[user];
}

// The reporting system's login: username + password, then the helper.
async function rsPassword(page, rs, user, pass = ACCOUNTS[user]) {
	await page.goto(rs + '/');
	await page.fill('#username', user);
	await page.fill('#password', pass);
	await Promise.all([page.waitForLoadState('load'), page.click('#login-submit')]);
}

// ... and the 客户身份验证 window appears.
async function rsToWindow(page, rs, user) {
	await rsPassword(page, rs, user);
	await page.waitForURL((u) => u.toString().startsWith(HELPER + '/v1/login?'), { timeout: 15000 });
	await page.locator('#consent').waitFor({ timeout: 10000 });
}

// Choose the certificate of owner in the window and press 确定 (or 取消).
async function choose(page, owner, { remember = false, cancel = false } = {}) {
	await page.locator('#choices li', { hasText: certs[owner].org })
		.locator('input[type=radio]').check();
	if (remember)
		await page.check('#remember');
	await page.click(cancel ? '#consent-cancel' : '#consent-ok');
}

async function expectHome(page, rs, user) {
	await page.waitForURL(rs + '/', { timeout: 15000 });
	await page.locator('#home').waitFor();
	assert.equal((await page.locator('h1').innerText()).trim(), '直报系统');
	assert.equal((await page.locator('#home-user').innerText()).trim(), user);
	assert.equal((await page.locator('#home-uscc').innerText()).trim(), certs[user].uscc);
	assert.equal((await page.locator('#home-org').innerText()).trim(), certs[user].org);
	assert.match(await page.locator('#home-validity').innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d ~ \d{4}-\d\d-\d\d \d\d:\d\d$/);
}

async function expectError(page, zh) {
	await page.locator('#message').waitFor({ timeout: 15000 });
	assert.equal((await page.locator('#message-zh').innerText()).trim(), zh);
}

async function logout(page) {
	await Promise.all([page.waitForLoadState('load'), page.click('#logout')]);
	await page.locator('#login-form').waitFor();
}

before(async () => {
	browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
			'--disable-sync'],
	});
	mkdirSync(OUT, { recursive: true });
	writeFileSync(CLOCK_FILE, '+0d\n');
});

after(async () => {
	if (browser)
		await browser.close();
});

test('§4: demo1 and demo2 download certificates onto this computer', async () => {
	await download('demo1');
	await download('demo2');
	assert.notEqual(certs.demo1.uscc, certs.demo2.uscc);
	const list = execFileSync(CERTHELPER, ['list'], { encoding: 'utf8' });
	assert.ok(list.includes('demo1') && list.includes('demo2'), list);
});

test('§5: password, 客户身份验证 (the matching certificate first), 确定, 直报系统', async () => {
	const page = await newPage();
	await rsPassword(page, RS, 'demo1');
	// the hand-over page found the helper and moved on
	await page.waitForURL((u) => u.toString().startsWith(HELPER + '/v1/login?'), { timeout: 15000 });
	await page.locator('#consent').waitFor();
	assert.equal((await page.locator('h1').innerText()).trim(), '客户身份验证');
	assert.equal((await page.locator('#rp-name').innerText()).trim(), '测试联网直报系统');
	assert.equal((await page.locator('#login-user').innerText()).trim(), 'demo1');
	// both certificates are offered, demo1's first and chosen
	const rows = page.locator('#choices li');
	assert.equal(await rows.count(), 2);
	assert.ok((await rows.nth(0).innerText()).includes(certs.demo1.org));
	assert.ok(await rows.nth(0).locator('input').isChecked());
	assert.ok((await rows.nth(1).innerText()).includes(certs.demo2.org));
	assert.match(await rows.nth(0).innerText(), /有效期/);
	await shot(page, '1-window');
	await page.click('#consent-ok');
	await expectHome(page, RS, 'demo1');
	assert.ok(await page.locator('#expiring').isHidden());
	assert.equal((await page.locator('#home-status').innerText()).trim(), '有效（已在线查询证书状态）');
	await shot(page, '2-home');
	await logout(page);
	// logged out: / is the login page again
	await page.goto(RS + '/');
	await page.locator('#login-form').waitFor();
	await page.context().close();
});

test('FAQ 4: two certificates on one computer, each user picks their own', async () => {
	const page = await newPage();
	await rsToWindow(page, RS, 'demo2');
	const rows = page.locator('#choices li');
	assert.ok((await rows.nth(0).innerText()).includes(certs.demo2.org));
	assert.ok(await rows.nth(0).locator('input').isChecked());
	await choose(page, 'demo2');
	await expectHome(page, RS, 'demo2');
	await logout(page);
	await page.context().close();
});

test('FAQ 7: another account\'s certificate → 该证书与用户名不匹配', async () => {
	const page = await newPage();
	await rsToWindow(page, RS, 'demo1');
	await choose(page, 'demo2');
	await expectError(page, '该证书与用户名不匹配');
	assert.ok((await page.locator('#message-hint').innerText()).includes('清除身份认证信息'));
	await shot(page, '3-mismatch');
	// not logged in
	await page.goto(RS + '/');
	await page.locator('#login-form').waitFor();
	await page.context().close();
});

test('取消 in the window: not logged in, says so', async () => {
	const page = await newPage();
	await rsToWindow(page, RS, 'demo1');
	await choose(page, 'demo1', { cancel: true });
	await page.waitForURL(RS + '/certauth/return');
	await page.locator('#message[data-code=CANCELLED]').waitFor();
	assert.ok((await page.locator('h1').innerText()).includes('您已取消身份验证'));
	await page.goto(RS + '/');
	await page.locator('#login-form').waitFor();
	await page.context().close();
});

test('wrong password: 用户名或密码错误, no window', async () => {
	const page = await newPage();
	await rsPassword(page, RS, 'demo1', 'Wrong@2026x');
	assert.equal(new URL(page.url()).pathname, '/login');
	assert.equal((await page.locator('#login-error').innerText()).trim(), '用户名或密码错误');
	await rsPassword(page, RS, 'nobody', 'Wrong@2026x');
	assert.equal((await page.locator('#login-error').innerText()).trim(), '用户名或密码错误');
	await page.context().close();
});

test('a replayed login statement → 身份验证已失效，请重新登录', async () => {
	const page = await newPage();
	let posted = null;
	page.on('request', (req) => {
		if (req.method() === 'POST' && req.url() === RS + '/certauth/return')
			posted = req.postData();
	});
	await rsToWindow(page, RS, 'demo1');
	await choose(page, 'demo1');
	await expectHome(page, RS, 'demo1');
	assert.ok(posted && posted.includes('statement='), 'the helper posted a statement');
	await logout(page);
	// a new password login (new pre-login session), then the old answer
	await rsToWindow(page, RS, 'demo1');
	const r = await page.request.post(RS + '/certauth/return', {
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		data: posted,
	});
	assert.equal(r.status(), 403);
	const body = await r.text();
	assert.ok(body.includes('身份验证已失效，请重新登录'), body);
	await page.goto(RS + '/');
	await page.locator('#login-form').waitFor();
	await page.context().close();
});

test('FAQ 4: 记住此系统的选择 skips the window until 清除身份认证信息', async () => {
	const page = await newPage();
	const helperPages = [];
	page.on('response', async (resp) => {
		if (resp.url().startsWith(HELPER + '/v1/login?'))
			helperPages.push(await resp.text().catch(() => ''));
	});
	await rsToWindow(page, RS, 'demo1');
	await choose(page, 'demo1', { remember: true });
	await expectHome(page, RS, 'demo1');
	await logout(page);

	// again: straight through, the window is not shown
	helperPages.length = 0;
	await rsPassword(page, RS, 'demo1');
	await expectHome(page, RS, 'demo1');
	assert.equal(helperPages.length, 1);
	assert.ok(!helperPages[0].includes('id="consent"'), 'no window');
	await logout(page);

	// 证书管理 → 清除身份认证信息 in the helper's console
	await page.goto(CONSOLE_URL);
	await page.getByRole('link', { name: '清除身份认证信息' }).click();
	await Promise.all([page.waitForLoadState('load'), page.click('#clear-submit')]);
	assert.ok((await page.locator('main').innerText()).includes('已清除身份认证信息'));
	await shot(page, '4-cleared');

	// the window is back
	await rsToWindow(page, RS, 'demo1');
	await choose(page, 'demo1');
	await expectHome(page, RS, 'demo1');
	await page.context().close();
});

test('FAQ 6: 您的证书即将到期 near the end, 证书已过期 after it (reporting system\'s clock moved)', async () => {
	const notAfter = Number(sql(`SELECT not_after FROM certificates WHERE serial = '${certs.demo1.serial}'`));
	const daysLeft = Math.floor((notAfter - Date.now() / 1000) / 86400);
	assert.ok(daysLeft > 1000, `a three-year certificate (${daysLeft} days left)`);
	const page = await newPage();
	try {
		// 10 days before the end: logged in, with the warning
		writeFileSync(CLOCK_FILE, `+${daysLeft - 10}d\n`);
		await rsToWindow(page, RS_CLOCK, 'demo1');
		await choose(page, 'demo1');
		await expectHome(page, RS_CLOCK, 'demo1');
		const warn = page.locator('#expiring');
		assert.ok(await warn.isVisible());
		assert.ok((await warn.innerText()).includes('您的证书即将到期'));
		const days = Number((await page.locator('#home-days').innerText()).trim());
		assert.ok(days >= 9 && days <= 10, `days left ${days}`);
		await shot(page, '5-expiring');
		await logout(page);

		// 2 days after the end
		writeFileSync(CLOCK_FILE, `+${daysLeft + 2}d\n`);
		await rsToWindow(page, RS_CLOCK, 'demo1');
		await choose(page, 'demo1');
		await expectError(page, '证书已过期，请重新申请证书');
		assert.ok((await page.locator('#message-hint').innerText()).includes('重新申请证书'));
		await shot(page, '6-expired');
	} finally {
		writeFileSync(CLOCK_FILE, '+0d\n');
		await page.context().close();
	}
});

test('废除证书 on the service (from another computer), then login → 证书已被废除', async () => {
	await download('demo3');
	// revoke through the service's pages in a browser that cannot reach
	// this computer's helper: the revocation happened elsewhere, so the
	// key is still here
	const other = await newPage();
	await other.context().route(HELPER + '/**', (route) => route.abort());
	await other.goto(BASE + '/revoke');
	await serviceLogin(other, 'demo3');
	assert.equal(new URL(other.url()).pathname, '/revoke/list');
	const row = other.locator('tr', { hasText: certs.demo3.serial });
	await row.getByRole('link', { name: '废除', exact: true }).click();
	const dialog = other.locator('#revoke-dialog');
	await dialog.waitFor({ state: 'visible' });
	await Promise.all([other.waitForLoadState('load'),
		dialog.getByRole('button', { name: '确定', exact: true }).click()]);
	await other.getByRole('heading', { name: '证书已废除', exact: true }).waitFor();
	assert.equal(sql(`SELECT status FROM certificates WHERE serial = '${certs.demo3.serial}'`), 'R');
	await other.context().close();

	const page = await newPage();
	await rsToWindow(page, RS, 'demo3');
	await choose(page, 'demo3');
	await expectError(page, '证书已被废除');
	await shot(page, '7-revoked');
	await page.context().close();
});

test('bad input: a reporting system not in the directory asks the helper → 未登记的直报系统', async () => {
	const page = await newPage();
	const resp = await page.goto(`${HELPER}/v1/login?rp=nosuch&challenge=${CHAL}&username=demo1`);
	assert.equal(resp.status(), 403);
	assert.ok((await page.locator('main').innerText()).includes('未登记的直报系统'));
	assert.equal(await page.locator('#consent').count(), 0);
	await page.context().close();
});

test('bad input: a page on another origin cannot frame or drive the window', async () => {
	// (the refused frame is a CSP report on the console: expected here)
	const page = await newPage({ watchCsp: false });
	await page.goto(EVIL + '/evil.html');
	// the window refuses to be framed (X-Frame-Options DENY, frame-ancestors 'none')
	const frame = page.frames().find((f) => f !== page.mainFrame());
	assert.ok(frame);
	assert.equal(await frame.locator('#consent').count(), 0);
	// a forged 确定 from that origin is refused
	const [resp] = await Promise.all([
		page.waitForResponse((r) => r.url() === HELPER + '/v1/login/confirm'),
		page.click('#go'),
	]);
	assert.equal(resp.status(), 403);
	await page.waitForLoadState('load');
	assert.ok(!(await page.content()).includes('statement'));
	await page.context().close();
});

test('FAQ 5: helper not running → the page explains and links to the fix', async () => {
	execFileSync(CERTHELPER, ['stop']);
	const page = await newPage();
	try {
		await rsPassword(page, RS, 'demo1');
		assert.equal(new URL(page.url()).pathname, '/certauth/start');
		const missing = page.locator('#helper-missing');
		await missing.waitFor({ state: 'visible', timeout: 10000 });
		const text = await missing.innerText();
		assert.ok(text.includes('未检测到证书助手'));
		assert.ok(text.includes('一键修复'));
		assert.ok(text.includes('清除身份认证信息'));
		assert.equal(await page.locator('#help-link').getAttribute('href'), BASE + '/help#q5');
		await shot(page, '8-no-helper');
	} finally {
		execFileSync(CERTHELPER, ['start']);
		await page.context().close();
	}
	assert.deepEqual(cspErrors, []);
});
