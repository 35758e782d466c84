// pages.test.mjs - certsvc's pages in a real browser (Debian's Chromium,
// driven by playwright-core).  Started by tests/svc/browser_pages.sh,
// which runs `certsvc init` and `certsvc serve` and passes:
//   BASE      the service's URL (http://127.0.0.1:PORT)
//   DB        its SQLite file (captcha answers are read from it, honestly:
//             the server has no captcha bypass)
//   GMPKI     the gmpki CLI (key and CSR for the enrollment the helper
//             would do)
//   OUT       where screenshots go
//   USER, PASS an account of the demo enterprise
// No certificate helper runs here: the pages must say so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE;
const DB = process.env.DB;
const GMPKI = process.env.GMPKI;
const OUT = process.env.OUT || tmpdir();
const USER = process.env.USER_NAME || 'demo1';
const PASS = process.env.USER_PASS || 'demo-pass-1';
const ORG = process.env.USER_ORG || '';
const USCC = process.env.USER_USCC || '';

for (const [k, v] of Object.entries({ BASE, DB, GMPKI }))
	if (!v)
		throw new Error(`pages.test.mjs: ${k} is not set (run tests/svc/browser_pages.sh)`);

let browser;
let serial;            // the certificate enrolled in the download test
let serial2;           // a second one, for the confirmation page without script
const cspErrors = [];

function sql(query) {
	return execFileSync('sqlite3', [DB, query], { encoding: 'utf8' }).trim();
}

async function newPage(opts = {}) {
	const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
	const page = await ctx.newPage();
	page.on('console', (m) => {
		if (/Content[ -]Security[ -]Policy/i.test(m.text()))
			cspErrors.push(m.text());
	});
	return page;
}

// Fills the login form of the page we are on, with the captcha's answer
// read from the database.
async function login(page, user = USER, pass = PASS) {
	const cid = await page.locator('input[name=cid]').inputValue();
	assert.match(cid, /^[A-Za-z0-9_-]{43}$/);
	const answer = sql(`SELECT answer FROM captchas WHERE id = '${cid}'`);
	assert.match(answer, /^[A-Z0-9]{4}$/);
	// the captcha image is there and loads
	const img = page.locator('#captcha-img');
	await img.waitFor();
	assert.ok(await img.evaluate((e) => e.complete && e.naturalWidth > 0));
	await page.fill('#username', user);
	await page.fill('#password', pass);
	await page.fill('#captcha', answer);
	await Promise.all([page.waitForLoadState('load'), page.click('#login-submit')]);
}

// What the helper does with a ticket: key, CSR, POST /api/v1/enroll.
async function enroll(ticket) {
	assert.match(ticket, /^[A-Za-z0-9_-]{43}$/);
	const dir = mkdtempSync(join(tmpdir(), 'pages-test-'));
	execFileSync(GMPKI, ['keygen', '-o', join(dir, 'k.pem')]);
	execFileSync(GMPKI, ['req', '--key', join(dir, 'k.pem'), '--subject',
		'/C=CN/O=ignored/CN=ignored', '-o', join(dir, 'r.csr')]);
	const csr = readFileSync(join(dir, 'r.csr'), 'utf8');
	rmSync(dir, { recursive: true, force: true });
	const res = await fetch(BASE + '/api/v1/enroll', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ ticket, csr }),
	});
	const body = await res.json();
	assert.equal(res.status, 200, JSON.stringify(body));
	assert.match(body.serial, /^[0-9A-F]+$/);
	return body.serial;
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
});

after(async () => {
	if (browser)
		await browser.close();
});

test('portal: 企业用户入口 with 万峰入口, 同方入口 and the hint', async () => {
	const page = await newPage();
	await page.goto(BASE + '/');
	await assert.doesNotReject(page.getByRole('heading', { name: '企业用户入口', exact: true }).waitFor());
	assert.ok(await page.getByRole('link', { name: '万峰入口', exact: true }).isVisible());
	assert.ok(await page.getByRole('link', { name: '同方入口', exact: true }).isVisible());
	const text = await page.locator('main').innerText();
	assert.ok(text.includes('提示:若您所填报的直报网址不在列表中,请联系当地统计局询问所需填报的网址'));
	await page.screenshot({ path: join(OUT, 'portal.png'), fullPage: true });
	// the English switch, and back
	await page.click('a.lang');
	await page.getByRole('heading', { name: 'Enterprise user entry', exact: true }).waitFor();
	await page.click('a.lang');
	await page.getByRole('heading', { name: '企业用户入口', exact: true }).waitFor();
	await page.context().close();
});

test('申请证书: login with captcha, 企业代码/企业名称, 下载证书, helper not running', async () => {
	const page = await newPage();
	await page.goto(BASE + '/');
	await Promise.all([page.waitForLoadState('load'),
		page.locator('ul.service-links').getByRole('link', { name: '申请证书', exact: true }).click()]);
	assert.equal(new URL(page.url()).pathname, '/apply');
	await login(page);
	assert.equal(new URL(page.url()).pathname, '/apply/cert');
	const main = page.locator('main');
	assert.ok((await main.innerText()).includes('企业代码'));
	assert.ok((await main.innerText()).includes('企业名称'));
	if (USCC)
		assert.equal(await page.locator('#uscc').innerText(), USCC);
	if (ORG)
		assert.equal(await page.locator('#org').innerText(), ORG);
	assert.ok(await page.getByRole('button', { name: '下载证书', exact: true }).isVisible());
	// helper.js found no helper: the instructions show
	const missing = page.locator('#helper-missing');
	await missing.waitFor({ state: 'visible', timeout: 10000 });
	assert.ok((await missing.innerText()).includes('证书助手未运行'));
	assert.ok((await page.locator('#helper').innerText()).includes('certhelper install'));
	assert.ok((await page.locator('#helper').innerText()).includes('certhelper start'));
	assert.ok(await page.locator('#helper-checking').isHidden());
	await page.screenshot({ path: join(OUT, 'cert-page.png'), fullPage: true });

	// 下载证书: the hand-off page builds the form for the helper, and
	// does not post it into a port nobody listens on
	await Promise.all([page.waitForLoadState('load'),
		page.getByRole('button', { name: '下载证书', exact: true }).click()]);
	assert.equal(new URL(page.url()).pathname, '/apply/ticket');
	await page.locator('#helper-missing').waitFor({ state: 'visible', timeout: 10000 });
	assert.equal(new URL(page.url()).pathname, '/apply/ticket');
	const form = page.locator('#helper-form');
	assert.match(await form.getAttribute('action'), /^http:\/\/127\.0\.0\.1:\d+\/v1\/enroll$/);
	const ticket = await form.locator('input[name=ticket]').inputValue();
	assert.equal(await form.locator('input[name=service]').inputValue(), BASE);
	assert.equal(await form.locator('input[name=return]').inputValue(), BASE + '/apply/done');
	await page.screenshot({ path: join(OUT, 'handoff-no-helper.png'), fullPage: true });

	serial = await enroll(ticket);

	// a second certificate for the no-script test
	await page.goto(BASE + '/apply/cert');
	await Promise.all([page.waitForLoadState('load'),
		page.getByRole('button', { name: '下载证书', exact: true }).click()]);
	serial2 = await enroll(await page.locator('#helper-form input[name=ticket]').inputValue());

	// The helper's 确定 leads back to /apply/done: the basic information.
	await page.goto(BASE + '/apply/done?serial=' + serial);
	await page.getByRole('heading', { name: '下载成功', exact: true }).waitFor();
	const info = await page.locator('main').innerText();
	for (const w of ['主题', '企业代码', '企业名称', '序列号', '有效期', 'SM3 指纹', serial])
		assert.ok(info.includes(w), w);
	assert.ok(await page.getByRole('link', { name: '返回数据报送系统', exact: true }).isVisible());
	await page.screenshot({ path: join(OUT, 'done.png'), fullPage: true });
	await page.context().close();
});

test('废除证书: the confirmation dialog, 取消 keeps it, 确定 revokes it', async () => {
	assert.ok(serial, 'needs the certificate of the previous test');
	const page = await newPage();
	await page.goto(BASE + '/');
	await Promise.all([page.waitForLoadState('load'),
		page.locator('.service-nav').getByRole('link', { name: '废除证书', exact: true }).click()]);
	assert.equal(new URL(page.url()).pathname, '/revoke');
	await login(page);
	assert.equal(new URL(page.url()).pathname, '/revoke/list');
	const row = page.locator('tr', { hasText: serial });
	assert.ok((await row.innerText()).includes('正常'));
	const dialog = page.locator('#revoke-dialog');
	assert.ok(await dialog.isHidden());

	// 废除 → dialog; 取消 → nothing happened
	await row.getByRole('link', { name: '废除', exact: true }).click();
	await dialog.waitFor({ state: 'visible' });
	assert.ok((await dialog.innerText()).includes(serial));
	await page.screenshot({ path: join(OUT, 'revoke-dialog.png'), fullPage: true });
	await dialog.getByRole('button', { name: '取消', exact: true }).click();
	await dialog.waitFor({ state: 'hidden' });
	assert.equal(new URL(page.url()).pathname, '/revoke/list');
	assert.equal(sql(`SELECT status FROM certificates WHERE serial = '${serial}'`), 'V');
	await page.reload();
	assert.ok((await page.locator('tr', { hasText: serial }).innerText()).includes('正常'));

	// 废除 → 确定 → 证书已废除
	await page.locator('tr', { hasText: serial }).getByRole('link', { name: '废除', exact: true }).click();
	await dialog.waitFor({ state: 'visible' });
	await Promise.all([page.waitForLoadState('load'),
		dialog.getByRole('button', { name: '确定', exact: true }).click()]);
	assert.equal(new URL(page.url()).pathname, '/revoke/do');
	await page.getByRole('heading', { name: '证书已废除', exact: true }).waitFor();
	assert.ok((await page.locator('main').innerText()).includes(serial));
	// no helper: the page stays, with the message
	await page.locator('#helper-missing').waitFor({ state: 'visible', timeout: 10000 });
	assert.equal(new URL(page.url()).pathname, '/revoke/do');
	await page.screenshot({ path: join(OUT, 'revoked.png'), fullPage: true });
	assert.equal(sql(`SELECT status FROM certificates WHERE serial = '${serial}'`), 'R');
	await page.goto(BASE + '/revoke/list');
	assert.ok((await page.locator('tr', { hasText: serial }).innerText()).includes('已废除'));
	await page.context().close();
});

test('废除证书 without JavaScript: the confirmation page', async () => {
	assert.ok(serial2, 'needs the second certificate');
	const page = await newPage({ javaScriptEnabled: false });
	await page.goto(BASE + '/revoke');
	await login(page);
	assert.equal(new URL(page.url()).pathname, '/revoke/list');
	// the revoked certificate has no 废除 button any more
	assert.equal(await page.locator('tr', { hasText: serial }).getByRole('link', { name: '废除', exact: true }).count(), 0);
	// 废除 leads to the confirmation page; 取消 back, nothing changed
	await Promise.all([page.waitForLoadState('load'),
		page.locator('tr', { hasText: serial2 }).getByRole('link', { name: '废除', exact: true }).click()]);
	assert.equal(new URL(page.url()).pathname, '/revoke/confirm');
	assert.ok((await page.locator('main').innerText()).includes(serial2));
	await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: '取消', exact: true }).click()]);
	assert.equal(new URL(page.url()).pathname, '/revoke/list');
	assert.equal(sql(`SELECT status FROM certificates WHERE serial = '${serial2}'`), 'V');
	// and 确定 there revokes
	await Promise.all([page.waitForLoadState('load'),
		page.locator('tr', { hasText: serial2 }).getByRole('link', { name: '废除', exact: true }).click()]);
	await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '确定', exact: true }).click()]);
	await page.getByRole('heading', { name: '证书已废除', exact: true }).waitFor();
	assert.equal(sql(`SELECT status FROM certificates WHERE serial = '${serial2}'`), 'R');
	await page.context().close();
});

test('证书状态查询 shows 已废除 with time and reason', async () => {
	const page = await newPage();
	await page.goto(BASE + '/status');
	await page.fill('#serial', serial.toLowerCase());
	await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '查询', exact: true }).click()]);
	const text = await page.locator('#status-result').innerText();
	assert.ok(text.includes('已废除'), text);
	assert.ok(text.includes('废除时间'), text);
	await page.context().close();
});

test('no Content-Security-Policy violations on any page', () => {
	assert.deepEqual(cspErrors, []);
});
