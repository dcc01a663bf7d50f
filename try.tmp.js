const { buildApplication } = require('./dist/src/index.js');
const { loadConfig } = require('./dist/src/config.js');
(async () => {
  const app = await buildApplication(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'production', DEMO_DATA: 'true' }));
  const base = await app.start();
  const ch = process.argv[2]; const conv = 'c' + Math.random();
  for (const raw of process.argv.slice(3)) {
    const msg = raw.startsWith('{') ? { value: JSON.parse(raw) } : { text: raw };
    const t0 = performance.now();
    const res = await fetch(base + '/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', ...msg, channelId: ch, deliveryMode: 'expectReplies', serviceUrl: 'http://127.0.0.1:1', conversation: { id: conv }, from: { id: 'u' + conv }, recipient: { id: 'bot' }, locale: 'fr-CA', id: String(Math.random()) }) });
    const body = await res.json();
    console.log('>>', raw, (performance.now() - t0).toFixed(0) + 'ms');
    for (const a of body.activities ?? []) console.log('   ', a.type, (a.text ?? '').replace(/\n/g, ' | ').slice(0, 300), a.attachments ? '[card ' + JSON.stringify(a.attachments[0].content).slice(0, 200) + ']' : '');
  }
  await app.stop(); process.exit(0);
})();
