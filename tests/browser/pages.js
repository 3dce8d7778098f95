// Looks at storefront pages as a shopper's browser does (Debian's chromium,
// headless, driven by playwright-core) and prints TAP.
//
//   node pages.js PLAN.json
//
// PLAN.json (written by tests/browser/run.py) names nginx's unix socket,
// the folder for screenshots and the pages to check:
//   { "socket": "/tmp/.../http.sock", "shots": "/tmp/.../shots",
//     "pages": [ { "name": "demo-base", "host": "demo.test", "path": "/",
//                  "status": 200, "lang": "en", "h1": "Welcome to ...",
//                  "theme": "base", "accent": "rgb(...)",
//                  "text": ["..."], "absent": ["..."],
//                  "selectors": [".hero"], "no_selectors": [".x"],
//                  "keyboard": true, "mobile": true } ] }
//
// Chromium cannot connect to a unix socket, so every request to any host
// is answered here by forwarding it to nginx's socket with its Host header:
// two sites (demo.test, bazaar.test) without DNS or a TCP port.

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
    if (cond) {
        console.log(`ok ${n} - ${name}`);
        return true;
    }
    failed++;
    console.log(`not ok ${n} - ${name}`);
    for (const line of String(why || '').split('\n')) {
        if (line) {
            console.log(`#   ${line}`);
        }
    }
    return false;
}

// One request forwarded to nginx over its unix socket.
function forward(sock, req) {
    const url = new URL(req.url());
    const headers = Object.assign({}, req.headers(), { host: url.host });
    return new Promise((resolve, reject) => {
        const r = http.request({
            socketPath: sock, method: req.method(),
            path: url.pathname + url.search, headers,
        }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({
                status: res.statusCode, headers: res.headers,
                body: Buffer.concat(chunks),
            }));
        });
        r.on('error', reject);
        const body = req.postDataBuffer();
        if (body) {
            r.write(body);
        }
        r.end();
    });
}

// Playwright wants header values as strings; node gives arrays for some.
function flatHeaders(h) {
    const out = {};
    for (const [k, v] of Object.entries(h)) {
        out[k] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    return out;
}

// Runs in the page: WCAG contrast of an element's text against the first
// opaque background behind it.
function contrastOf(sel) {
    const parse = (c) => {
        const m = c.match(/rgba?\(([^)]+)\)/);
        if (!m) {
            return null;
        }
        const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const lum = (c) => {
        const f = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const el = document.querySelector(sel);
    if (!el) {
        return null;
    }
    const fg = parse(getComputedStyle(el).color);
    let bg = null;
    for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a >= 1) {
            bg = c;
            break;
        }
    }
    bg = bg || { r: 255, g: 255, b: 255, a: 1 };
    const a = lum(fg), b = lum(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

// Runs in the page: how the focused element looks.
function focusInfo() {
    const el = document.activeElement;
    if (!el || el === document.body) {
        return null;
    }
    const cs = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        cls: el.className || '',
        text: (el.textContent || '').trim().slice(0, 60),
        outlineStyle: cs.outlineStyle,
        outlineWidth: parseFloat(cs.outlineWidth) || 0,
        outlineColor: cs.outlineColor,
        visible: box.width > 0 && box.height > 0 && box.bottom > 0
            && box.top < window.innerHeight && cs.visibility !== 'hidden',
    };
}

async function checkKeyboard(page, p, label, shots) {
    const seen = [];
    for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(focusInfo);
        seen.push(f);
        if (i === 0) {
            await page.screenshot({ path: path.join(shots, `${p.name}-focus.png`) });
        }
    }
    const first = seen[0];
    ok(first && /skip-link/.test(first.cls) && first.visible,
       `${label}: Tab first reaches the visible skip link`,
       JSON.stringify(first));
    const bad = seen.filter((f) => !f || !f.visible || f.outlineStyle === 'none'
                                 || f.outlineWidth < 2);
    ok(bad.length === 0,
       `${label}: the first 3 Tab stops show a focus outline of >= 2px`,
       JSON.stringify(seen));
    // The skip link moves focus to <main>.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    const id = await page.evaluate(() => document.activeElement
                                         && document.activeElement.id);
    ok(id === 'main', `${label}: the skip link moves focus to main`,
       `focused: ${id}`);
}

async function checkContent(page, p, label, res) {
    ok(res && res.status() === p.status, `${label}: status ${p.status}`,
       `got ${res && res.status()}`);
    const lang = await page.getAttribute('html', 'lang');
    ok(lang === p.lang, `${label}: <html lang="${p.lang}">`, `got ${lang}`);
    const h1 = (await page.locator('h1').allTextContents())
        .map((s) => s.replace(/\s+/g, ' ').trim());
    ok(h1.length === 1 && h1[0] === p.h1, `${label}: one h1 "${p.h1}"`,
       JSON.stringify(h1));
    const lm = await page.evaluate(() => ({
        banner: document.querySelectorAll('body > header, [role=banner]').length,
        nav: document.querySelectorAll('nav[aria-label]').length,
        main: document.querySelectorAll('main').length,
        footer: document.querySelectorAll('body > footer').length,
    }));
    ok(lm.banner === 1 && lm.nav >= 1 && lm.main === 1 && lm.footer === 1,
       `${label}: landmarks banner, labelled nav, main, contentinfo`,
       JSON.stringify(lm));
    // innerText is the text as shown (CSS may upper-case it).
    const text = (await page.evaluate(() => document.body.innerText))
        .toLowerCase();
    for (const t of p.text || []) {
        ok(text.includes(t.toLowerCase()), `${label}: shows ${JSON.stringify(t)}`,
           text.slice(0, 400));
    }
    for (const t of p.absent || []) {
        ok(!text.includes(t.toLowerCase()),
           `${label}: does not show ${JSON.stringify(t)}`);
    }
    for (const s of p.selectors || []) {
        ok(await page.locator(s).count() > 0, `${label}: has ${s}`);
    }
    for (const s of p.no_selectors || []) {
        ok(await page.locator(s).count() === 0, `${label}: has no ${s}`);
    }
    if (p.search !== undefined) {
        const v = await page.inputValue('#search-q');
        ok(v === p.search, `${label}: the search box holds the query as typed`,
           `got ${JSON.stringify(v)}`);
    }
}

async function checkLook(page, p, label) {
    const look = await page.evaluate(() => {
        const cs = (s, prop) => {
            const e = document.querySelector(s);
            return e ? getComputedStyle(e)[prop] : null;
        };
        return {
            header: cs('.site-header', 'backgroundColor'),
            h1font: cs('h1', 'fontFamily'),
            button: cs('.search button, .button', 'backgroundColor'),
            sheets: [...document.styleSheets].map((s) => s.href || 'inline'),
        };
    });
    if (p.theme === 'saffron') {
        ok(look.header === 'rgb(43, 29, 14)' && /serif/i.test(look.h1font)
           && !/sans-serif/i.test(look.h1font.split(',').pop()),
           `${label}: saffron's colours and serif headings apply`,
           JSON.stringify(look));
    } else {
        ok(look.header === 'rgb(255, 255, 255)' && !/Palatino/.test(look.h1font),
           `${label}: base's white header and sans-serif headings apply`,
           JSON.stringify(look));
    }
    if (p.accent) {
        ok(look.button === p.accent,
           `${label}: the site's accent colour setting applies (${p.accent})`,
           JSON.stringify(look));
    }
    const sels = ['body', '.brand-name', '.site-nav a', 'h1',
                  '.site-footer p', '.search button', '.brand-tagline'];
    for (const s of sels) {
        const c = await page.evaluate(contrastOf, s);
        if (c !== null) {
            ok(c >= 4.5, `${label}: contrast of ${s} is AA (${c.toFixed(2)}:1)`);
        }
    }
}

async function checkPage(ctx, plan, p) {
    const label = `${p.name} ${p.host}${p.path}`;
    const page = await ctx.newPage();
    const problems = [];
    const url = `http://${p.host}${p.path}`;
    page.on('console', (m) => {
        // An error page's own status is logged as a failed load: expected.
        if (p.status >= 400 && m.location().url === url
            && /status of \d+/.test(m.text())) {
            return;
        }
        if (m.type() === 'error' || m.type() === 'warning') {
            problems.push(`console ${m.type()}: ${m.text()}`);
        }
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
    page.on('response', (r) => {
        if (r.status() >= 400 && r.url() !== url) {
            problems.push(`HTTP ${r.status()}: ${r.url()}`);
        }
    });
    await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
        });
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    const res = await page.goto(`http://${p.host}${p.path}`,
                                { waitUntil: 'load' });
    await checkContent(page, p, label, res);
    await checkLook(page, p, label);

    const broken = await page.evaluate(() => [...document.images]
        .filter((i) => !i.complete || i.naturalWidth === 0)
        .map((i) => i.getAttribute('src')));
    ok(broken.length === 0, `${label}: every image shows`, broken.join('\n'));

    const pwned = await page.evaluate(() => window.__pwned === 1
        || document.querySelector('#pwned, img[src="x"]') !== null);
    ok(!pwned, `${label}: hostile values are shown as text, never run`);

    await page.screenshot({ path: path.join(plan.shots, `${p.name}.png`),
                            fullPage: true });
    if (p.keyboard) {
        await checkKeyboard(page, p, label, plan.shots);
    }
    if (p.mobile) {
        await page.setViewportSize({ width: 375, height: 740 });
        const wide = await page.evaluate(() =>
            document.documentElement.scrollWidth - window.innerWidth);
        ok(wide <= 0, `${label}: no sideways scrolling at 375px`,
           `${wide}px too wide`);
        await page.screenshot({ path: path.join(plan.shots,
                                                `${p.name}-mobile.png`),
                                fullPage: true });
    }
    const csp = await page.evaluate(() => window.__csp);
    ok(csp.length === 0, `${label}: no CSP violations`, csp.join('\n'));
    ok(problems.length === 0, `${label}: no console errors, no failed requests`,
       problems.join('\n'));
    if (p.csp_control) {
        // The control: an inline style attribute must be refused, which
        // shows the CSP header reached the browser and the listener works.
        await page.evaluate(() => {
            document.body.insertAdjacentHTML('beforeend',
                '<div id="csp-probe" style="color: red">probe</div>');
        });
        await page.waitForFunction(() => window.__csp.length > 0,
                                   null, { timeout: 2000 }).catch(() => {});
        const after = await page.evaluate(() => window.__csp);
        ok(after.some((v) => /style-src/.test(v)),
           `${label}: control: the page's CSP refuses an inline style`,
           JSON.stringify(after));
    }
    await page.close();
}

async function main() {
    const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    fs.mkdirSync(plan.shots, { recursive: true });
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'souk-chr-'));
    const ctx = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu',
               '--disable-quic', '--no-first-run',
               '--disable-background-networking',
               '--disable-component-update', '--disable-sync'],
    });
    try {
        await ctx.route('**/*', async (route) => {
            try {
                const r = await forward(plan.socket, route.request());
                await route.fulfill({ status: r.status,
                                      headers: flatHeaders(r.headers),
                                      body: r.body });
            } catch (e) {
                await route.abort();
            }
        });
        for (const p of plan.pages) {
            try {
                await checkPage(ctx, plan, p);
            } catch (e) {
                ok(false, `${p.name}: page checks ran to the end`, e.stack);
            }
        }
    } finally {
        await ctx.close();
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
