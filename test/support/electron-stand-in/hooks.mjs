// Module-resolution hook (registered with module.register): the bare specifier `electron`
// resolves to the recording stand-in beside this file, never to the real package (whose first
// require tries to download the Electron binary).
const standIn = new URL('./electron.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron' || specifier === 'electron/main') {
    return { url: standIn, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
