// Paying by card in a real browser (Debian's chromium, headless, through
// playwright-core): a guest opens a product page, adds it to the cart,
// checks out choosing Card, is sent to the Stripe stand-in's hosted page
// (which shows the order's amount), types the test card, comes back to
// the shop's return page, which says "Payment received" once the webhook
// has landed (reloaded until then), and the order page shows Paid. A
// declined card first shows the gateway's message and leaves the shopper
// on the hosted page. Prints TAP.
//
//   node pay_card.js PLAN.json
//
// PLAN.json (written by the flow, see /work/notes/status-S.md):
//   { "socket": "/tmp/.../http.sock", "shots": "/tmp/.../shots",
//     "site": "127.0.0.1:PORT" (the shop as payments.base_url names it),
//     "standin": "127.0.0.1:SPORT", "product": "card-teapot",
//     "name": "Card Teapot",
//     "email": "guest@example.test", "card": "4242...", "declined": "4000...",
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

// Chromium speaks HTTP to this loopback proxy: the stand-in's requests go
// to the stand-in, the shop's to nginx's unix socket with the host name
// (without the port) as Host, as the shop's sites are named.
function proxyTo(sock, standin) {
    const server = http.createServer((req, res) => {
        const u = new URL(req.url);
        const direct = u.host === standin;
        const opts = {
            method: req.method, path: u.pathname + u.search,
            headers: Object.assign({}, req.headers,
                                   { host: direct ? u.host : u.hostname }),
        };
        if (direct) {
            opts.host = u.hostname;
            opts.port = u.port;
        } else {
            opts.socketPath = sock;
        }
        const up = http.request(opts, (r) => {
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

async function toCheckout(page, site, plan, shot) {
    const res = await page.goto(`${site}/p/${plan.product}`);
    ok(res && res.status() === 200, 'the product page answers 200');
    await submit(page, 'form.cart-add button');
    if (new URL(page.url()).pathname !== '/cart') {
        await submit(page, 'form.cart-add button');
    }
    ok(new URL(page.url()).pathname === '/cart', 'the cart page',
       page.url());
    await submit(page, '.cart-checkout a');
    const a = plan.address;
    await page.fill('#checkout-email', plan.email);
    await page.fill('#ship-name', a.name);
    await page.fill('#ship-line1', a.line1);
    await page.fill('#ship-postcode', a.postcode);
    await page.fill('#ship-city', a.city);
    await page.selectOption('#ship-country', a.country);
    await submit(page, 'button.checkout-update');
    const card = page.locator('input[name=payment][value=card]');
    ok(await card.count() === 1, 'Card is offered at checkout');
    await card.check();
    await shot('checkout');
    // "€27.90" → "27.90": what the hosted page must ask for.
    const total = (await page.textContent('#checkout-total')).trim();
    const m = total.match(/\d+[.,]\d{2}/);
    return m ? m[0].replace(',', '.') : total;
}

async function typeCard(page, number) {
    await page.fill('#cardnumber', number.replace(/(\d{4})/g, '$1 ').trim());
    await page.fill('#exp', '12 / 34');
    await page.fill('#cvc', '123');
}

// Reloads the return page until the webhook has landed (or 10 s).
async function awaitPaid(page) {
    for (let i = 0; i < 50; i++) {
        if ((await page.content()).includes('Payment received')) {
            return true;
        }
        await page.waitForTimeout(200);
        await page.reload();
    }
    return false;
}

async function flow(ctx, plan, problems) {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (q) => problems.push(
        `request failed: ${q.method()} ${q.url()}: ${q.failure().errorText}`));
    page.on('console', (m) => {
        if (m.type() === 'error') {
            problems.push(`console: ${m.text()} (${page.url()})`);
        }
    });
    const site = `http://${plan.site}`;
    const shot = (name) => page.screenshot({
        path: path.join(plan.shots, `pay-card-${name}.png`),
        fullPage: true });

    const total = await toCheckout(page, site, plan, shot);
    await submit(page, '#checkout-place');
    // The shop answers the place with a same-origin page that refreshes
    // on to the hosted page (souk_redirect_offsite): wait for it.
    await page.waitForURL((u) => u.host === plan.standin,
        { timeout: 10000 }).catch(() => {});
    let url = new URL(page.url());
    ok(url.host === plan.standin && /^\/c\/pay\/cs_test_/.test(url.pathname),
       'placing leads to the hosted payment page', page.url());
    const amount = (await page.textContent('#amount')).trim();
    ok(amount.endsWith(` ${total}`), 'it shows the order\'s amount',
       `${amount} for ${total}`);
    await shot('hosted');

    await typeCard(page, plan.declined);
    await submit(page, '#submit');
    ok((await page.content()).includes('Your card was declined.'),
       'a declined card is refused on the page');
    ok(new URL(page.url()).host === plan.standin, 'and the shopper stays');

    await typeCard(page, plan.card);
    await submit(page, '#submit');
    url = new URL(page.url());
    ok(url.host === plan.site && /^\/payments\/return\/[0-9a-f]{32}$/
       .test(url.pathname), 'back on the shop\'s return page', page.url());
    ok(await awaitPaid(page), 'the return page says "Payment received"',
       (await page.textContent('body')).slice(0, 500));
    await shot('return');

    const link = page.locator('a[href*="/orders/"]').first();
    ok(await link.count() === 1, 'the return page links to the order');
    await Promise.all([page.waitForNavigation(), link.click()]);
    const m = new URL(page.url()).pathname.match(/^\/orders\/([0-9A-Z]{10})$/);
    ok(m !== null, 'the order page', page.url());
    ok((await page.textContent('body')).includes('Paid'),
       'the order page shows Paid');
    await shot('order');
    await page.close();
}

async function main() {
    const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    fs.mkdirSync(plan.shots, { recursive: true });
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'souk-chr-'));
    const proxy = await proxyTo(plan.socket, plan.standin);
    const ctx = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true,
        proxy: { server: `http://127.0.0.1:${proxy.address().port}`,
                 bypass: '<-loopback>' },
        args: ['--headless', '--no-sandbox', '--disable-gpu',
               '--disable-quic', '--no-first-run',
               '--disable-background-networking',
               '--disable-component-update', '--disable-sync'],
    });
    const problems = [];
    try {
        await flow(ctx, plan, problems);
        ok(problems.length === 0, 'no console or page errors',
           problems.join('\n'));
    } catch (e) {
        ok(false, 'the flow ran to the end',
           `${e.stack}\n${problems.join('\n')}`);
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
