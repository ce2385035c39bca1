// One line for a newcomer whose own Node is older than the project's engines: npm's fifty engine warnings are
// silenced (.npmrc), and this says why that is fine. npm names the Node it runs on in its user agent.
const running = /node\/v(\d+)\.(\d+)/.exec(process.env.npm_config_user_agent ?? '');
if (running && (Number(running[1]) < 22 || (running[1] === '22' && Number(running[2]) < 18))) {
  console.error(
    `note: your Node is ${running[0].slice(5)}; the npm scripts here run on the project's own Node ${process.versions.node} (the "node" dev dependency), so that is fine.`,
  );
}
