// The catalog's storefront in a real browser (Debian's chromium, headless,
// through playwright-core): a shopper opens a product, chooses another
// variant with the picker (a plain GET form, no script) and adds the
// product to the comparison. Prints TAP.
//
//   node catalog.js PLAN.json
//
// PLAN.json (written by tests/browser/catalog_flow.py):
//   { "socket": "/tmp/.../http.sock", "shots": "/tmp/.../shots",
//     "site": "demo.test", "product": "jumper", "name": "Wool jumper",
//     "sku": "J-M", "price": "€52.00" }

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
        String(why || '').split('\n').filter((l) => l)
            .forEach((l) => console.log(`#   ${l}`));
    }
    return cond;
}

// Chromium talks HTTP to this loopback proxy, which forwards each request
// to nginx's unix socket keeping the Host header (form posts and their
// 303s included).
function proxyTo(sock) {
    const server = http.createServer((req, res) => {
        const u = new URL(req.url);
        const up = http.request({
            socketPath: sock, method: req.method, path: u.pathname + u.search,
            headers: Object.assign({}, req.headers, { host: u.host }),
        }, (r) => {
            res.writeHead(r.statusCode, r.rawHeaders);
            r.pipe(res);
        });
        up.on('error', () => { res.writeHead(502); res.end(); });
        req.pipe(up);
    });
    return new Promise((done) => server.listen(0, '127.0.0.1',
                                               () => done(server)));
}

async function flow(ctx, plan) {
    const page = await ctx.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error') {
            problems.push(`console: ${m.text()}`);
        }
    });
    const site = `http://${plan.site}`;
    const shot = (name) => page.screenshot({
        path: path.join(plan.shots, `catalog-${name}.png`), fullPage: true });

    const res = await page.goto(`${site}/p/${plan.product}`);
    ok(res && res.status() === 200, 'the product page answers 200');
    ok((await page.textContent('h1')).trim() === plan.name,
       'the product heading');
    await shot('product');

    await page.selectOption('#variant-sku', plan.sku);
    await Promise.all([page.waitForNavigation(),
                       page.click('form.variant-picker button')]);
    ok(new URL(page.url()).searchParams.get('sku') === plan.sku,
       'the picker sends ?sku=', page.url());
    ok((await page.textContent('.sku')).trim() === plan.sku,
       'the chosen variant is shown');
    ok((await page.textContent('.product-price .price')).includes(plan.price),
       'with its price', await page.textContent('.product-price'));
    ok(await page.locator('#variant-sku').inputValue() === plan.sku,
       'the picker keeps the choice');
    await shot('variant');

    await Promise.all([page.waitForNavigation(),
                       page.click('form.compare-add button')]);
    ok(new URL(page.url()).pathname === '/compare',
       'adding leads to the comparison', page.url());
    const heads = await page.locator('table.compare thead a')
        .allTextContents();
    ok(heads.length === 1 && heads[0] === plan.name,
       'the product is in the comparison', JSON.stringify(heads));
    await shot('compare');

    // Narrow screens: the page itself never scrolls sideways (the table
    // scrolls inside its own box).
    await page.setViewportSize({ width: 375, height: 740 });
    const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth - window.innerWidth);
    ok(wide <= 0, 'no sideways scrolling at 375px', `${wide}px too wide`);
    ok(problems.length === 0, 'no console or page errors',
       problems.join('\n'));
    await page.close();
}

async function main() {
    const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    fs.mkdirSync(plan.shots, { recursive: true });
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'souk-chr-'));
    const proxy = await proxyTo(plan.socket);
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
        ok(false, 'the flow ran to the end', e.stack);
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
