import { seedDemo, DEMO_PASSWORD } from '../server/demo/seed.js';
import { instruments, startTestServer } from '../test/helpers/server.js';
import { signedIn } from '../test/helpers/users.js';

const server = await startTestServer({ prepare: (db) => void seedDemo(db, instruments) });
const admin = await signedIn(server.url, 'admin@demo.example', DEMO_PASSWORD);
const urls = process.argv.slice(2);
for (const u of urls) {
  const res = await admin.get(u);
  const body = res.text;
  console.log(u, res.status, body.length);
  if (process.env.TEXT) console.log(body.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#8594;/g, '→').replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n').slice(0, Number(process.env.TEXT)));
  if (res.status >= 400) console.log(body.slice(0, 3000));
}
await server.close();
