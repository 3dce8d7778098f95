// Checkout in a real browser (Debian's chromium, headless, through
// playwright-core): a guest opens a product page, adds it to the cart
// (the product page's form, then the cart's own add form, since browsing
// starts no session), goes from /cart to /checkout, fills in the address,
// re-prices, places the order and lands on the order page showing its
// number. Prints TAP.
//
//   node checkout.js PLAN.json
//
// PLAN.json (written by tests/browser/checkout_flow.py):
//   { "socket": "/tmp/.../http.sock", "shots": "/tmp/.../shots",
//     "site": "demo.test", "product": "teapot", "name": "Teapot",
//     "total": "€27.90", "email": "guest@example.test",
//     "address": {"name", "line1", "city", "postcode", "country"} }

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

// Chromium speaks HTTP to this loopback proxy, which forwards each request
// to nginx's unix socket keeping the Host header.
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

async function submit(page, selector) {
    const [res] = await Promise.all([page.waitForNavigation(),
                                     page.click(selector)]);
    return res;
}

async function toCart(page, site, plan, shot) {
    const res = await page.goto(`${site}/p/${plan.product}`);
    ok(res && res.status() === 200, 'the product page answers 200');
    ok((await page.textContent('h1')).trim() === plan.name,
       'the product heading');
    await submit(page, 'form.cart-add button');
    if (new URL(page.url()).pathname !== '/cart') {
        // No session yet: the cart's add box asks once more, with a token.
        await shot('cart-add');
        await submit(page, 'form.cart-add button');
    }
    ok(new URL(page.url()).pathname === '/cart', 'the cart page',
       page.url());
    ok((await page.content()).includes(plan.name), 'the product is in it');
    await shot('cart');
    await submit(page, '.cart-checkout a');
    ok(new URL(page.url()).pathname === '/checkout', 'on to the checkout',
       page.url());
}

async function fill(page, plan, shot) {
    const a = plan.address;
    await page.fill('#checkout-email', plan.email);
    await page.fill('#ship-name', a.name);
    await page.fill('#ship-line1', a.line1);
    await page.fill('#ship-postcode', a.postcode);
    await page.fill('#ship-city', a.city);
    await page.selectOption('#ship-country', a.country);
    await shot('checkout-filled');
    const res = await submit(page, 'button.checkout-update');
    ok(res && res.status() === 200, 'the address is priced',
       res && `${res.status()}`);
    ok(await page.locator('input[name=shipping]:checked').count() === 1,
       'a delivery method is chosen');
    const total = (await page.textContent('#checkout-total')).trim();
    ok(total.includes(plan.total), 'the total with delivery', total);
    ok(await page.inputValue('#ship-name') === a.name,
       'the typed address is kept');
    await shot('checkout-priced');
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
        path: path.join(plan.shots, `checkout-${name}.png`),
        fullPage: true });

    await toCart(page, site, plan, shot);
    await fill(page, plan, shot);
    const res = await submit(page, '#checkout-place');
    const url = new URL(page.url());
    const m = url.pathname.match(/^\/orders\/([0-9A-Z]{10})$/);
    ok(m !== null, 'placing leads to the order page', page.url());
    ok(res && res.status() === 200, 'the order page answers 200',
       res && `${res.status()}`);
    if (m) {
        ok((await page.content()).includes(m[1]),
           'the order page shows the number', m[1]);
    }
    await shot('order');
    const again = await page.goto(`${site}/checkout`);
    ok(again && again.status() === 200
       && (await page.content()).includes('Your cart is empty'),
       'the cart is empty afterwards');
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
