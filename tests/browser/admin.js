// The admin shell in a real browser (Debian's chromium, headless, through
// playwright-core): a site owner logs in, turns a plugin off for one site
// and sees its pages gone from that site only, then turns it on again.
// Prints TAP.
//
//   node admin.js PLAN.json
//
// PLAN.json (written by tests/browser/admin_flow.py):
//   { "socket": "/tmp/.../http.sock", "shots": "/tmp/.../shots",
//     "email": "owner@example.com", "password": "...",
//     "site": "demo.test", "other": "bazaar.test", "plugin": "hello",
//     "plugin_path": "/hello" }
//
// Requests reach nginx's unix socket through a small proxy (below).

'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let n = 0;
let failed = 0;

function ok(cond, name, why) {
    n++;
    console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
    if (!cond) {
        failed++;
        for (const line of String(why || '').split('\n')) {
            if (line) {
                console.log(`#   ${line}`);
            }
        }
    }
    return cond;
}

// An HTTP proxy on a loopback port the kernel picks: chromium sends every
// request here, and it goes on to nginx's unix socket with its Host header.
// (pages.js fulfils requests with page.route instead, but a route cannot
// follow the 303s of a form post, which this flow is made of.)
function startProxy(sock) {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url);
        const up = http.request({
            socketPath: sock, method: req.method,
            path: url.pathname + url.search,
            headers: Object.assign({}, req.headers, { host: url.host }),
        }, (r) => {
            res.writeHead(r.statusCode, r.rawHeaders);
            r.pipe(res);
        });
        up.on('error', () => {
            res.writeHead(502);
            res.end();
        });
        req.pipe(up);
    });
    return new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => resolve(server));
    });
}

// Loads url until its status is want: workers see a site change within
// a second, so a page may take that long to appear or disappear.
async function statusBecomes(page, url, want) {
    let got = null;
    for (let i = 0; i < 50; i++) {
        const res = await page.goto(url);
        got = res && res.status();
        if (got === want) {
            return got;
        }
        await page.waitForTimeout(100);
    }
    return got;
}

async function flow(ctx, plan) {
    const page = await ctx.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
        // Pages answered 404 on purpose log a failed load.
        if (m.type() === 'error' && !/status of 404/.test(m.text())) {
            problems.push(`console: ${m.text()}`);
        }
    });
    await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
        });
    });
    const site = `http://${plan.site}`;
    const other = `http://${plan.other}`;
    const shot = (name) => page.screenshot({
        path: path.join(plan.shots, `admin-${name}.png`), fullPage: true });

    ok(await statusBecomes(page, site + plan.plugin_path, 200) === 200,
       `${plan.plugin_path} is served on ${plan.site} before`);

    await page.goto(site + '/admin');
    ok(/\/admin\/login\?next=%2Fadmin$/.test(page.url()),
       'an anonymous visit to /admin lands on the staff log-in',
       page.url());
    await shot('login');
    await page.fill('input[name=email]', plan.email);
    await page.fill('input[name=password]', plan.password);
    await Promise.all([page.waitForNavigation(),
                       page.click('form.admin-form button[type=submit]')]);
    ok(new URL(page.url()).pathname === '/admin',
       'logging in leads to the dashboard', page.url());
    const h1 = await page.textContent('h1');
    ok(h1 && h1.trim() === 'Dashboard', 'the dashboard heading', h1);
    ok(await page.locator('nav.admin-nav a[aria-current=page]').count() === 1,
       'the admin menu marks the page shown');
    await shot('dashboard');

    await Promise.all([page.waitForNavigation(),
                       page.click('text=Manage this site')]);
    ok(/\/admin\/sites\/demo$/.test(page.url()), 'the site page', page.url());
    const off = page.locator(
        `button[aria-label="Turn off ${plan.plugin}"]`);
    ok(await off.count() === 1, `a button turns ${plan.plugin} off`);
    await Promise.all([page.waitForNavigation(), off.click()]);
    const flash = await page.locator('.flash-ok').allTextContents();
    ok(flash.some((t) => t.includes(`${plan.plugin} is now off`)),
       'a flash message confirms it', JSON.stringify(flash));
    await shot('site-off');

    // Narrow screens: the shell stacks, nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 740 });
    const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth - window.innerWidth);
    ok(wide <= 0, 'the site page does not scroll sideways at 375px',
       `${wide}px too wide`);
    await shot('site-mobile');
    await page.setViewportSize({ width: 1280, height: 800 });

    ok(await statusBecomes(page, site + plan.plugin_path, 404) === 404,
       `${plan.plugin_path} is gone from ${plan.site}`);
    ok(await statusBecomes(page, other + plan.plugin_path, 200) === 200,
       `${plan.plugin_path} is still served on ${plan.other}`);

    await page.goto(site + '/admin/sites/demo');
    const on = `button[aria-label="Turn on ${plan.plugin}"]`;
    await Promise.all([page.waitForNavigation(), page.click(on)]);
    ok(await statusBecomes(page, site + plan.plugin_path, 200) === 200,
       `${plan.plugin_path} is back on ${plan.site} once turned on`);

    const csp = await page.evaluate(() => window.__csp);
    ok(csp.length === 0, 'no CSP violations on the admin pages',
       csp.join('\n'));
    ok(problems.length === 0, 'no console or page errors',
       problems.join('\n'));
    await page.close();
}

async function main() {
    const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    fs.mkdirSync(plan.shots, { recursive: true });
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'souk-chr-'));
    const proxy = await startProxy(plan.socket);
    const ctx = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true,
        proxy: { server: `http://127.0.0.1:${proxy.address().port}`,
                 bypass: '<-loopback>' },
        args: ['--headless', '--no-sandbox', '--disable-gpu',
               '--disable-quic', '--no-first-run',
               '--disable-background-networking',
               '--disable-component-update', '--disable-sync'],
    });
    try {
        await flow(ctx, plan);
    } catch (e) {
        ok(false, 'the admin flow ran to the end', e.stack);
    } finally {
        await ctx.close();
        proxy.close();
        fs.rmSync(profile, { recursive: true, force: true });
    }
    console.log(`1..${n}`);
    return failed === 0 ? 0 : 1;
}

main().then((rc) => process.exit(rc), (e) => {
    console.log(`not ok ${n + 1} - the browser ran\n#   ${e.stack}`);
    console.log(`1..${n + 1}`);
    process.exit(1);
});
