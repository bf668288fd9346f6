// Preloaded into every service the bench starts: should the bench die without stopping it
// (SIGKILL), the service is re-parented, notices, and stops itself the way SIGTERM would.
// JavaScript, since the services run compiled, with no TypeScript loader.
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  process.kill(process.pid, 'SIGTERM');
}, 1000);
watch.unref();
