import { isLoopbackHost } from '../../shared/loopback';
import type { ProxySetting } from './transport';

/**
 * Which requests go through a pinned proxy. Loopback hosts never do (a bearer for a local API
 * must not travel to a proxy); the bypass list takes host names (`api.corp.example`), domain
 * suffixes (`.corp.example` or `*.corp.example`), IP literals and `<local>` (names without a
 * dot), optionally with `:port`: the subset of Chromium's proxy bypass rules both stacks read
 * the same way.
 */
export function bypassesProxy(url: URL, bypass: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host) || isLoopbackHost(url.hostname)) return true;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of bypass) {
    let rule = raw.trim().toLowerCase();
    if (rule === '') continue;
    if (rule === '<local>') {
      if (!host.includes('.') && !host.includes(':')) return true;
      continue;
    }
    // host:port or [v6]:port restricts the rule to one port; a bare v6 literal has several colons.
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(rule);
    if (withPort) {
      if (withPort[2] !== port) continue;
      rule = withPort[1] ?? '';
    }
    rule = rule.replace(/^\[|\]$/g, '');
    if (rule.startsWith('*.')) rule = rule.slice(1);
    if (rule.startsWith('.')) {
      if (host.endsWith(rule) || host === rule.slice(1)) return true;
    } else if (host === rule) {
      return true;
    }
  }
  return false;
}

/** "host:port" of a proxy URL, for messages (never its credentials). */
export function proxyLabel(proxyUrl: string): string {
  const url = new URL(proxyUrl);
  return `${url.protocol}//${url.host}`;
}

/** Electron's ProxyConfig for a setting (session.setProxy). Loopback stays direct in Chromium. */
export function chromiumProxyConfig(setting: ProxySetting): {
  mode: 'system' | 'fixed_servers';
  proxyRules?: string;
  proxyBypassRules?: string;
} {
  if (setting === 'system') return { mode: 'system' };
  const url = new URL(setting.url);
  return {
    mode: 'fixed_servers',
    proxyRules: `${url.protocol}//${url.host}`,
    // Chromium bypasses loopback implicitly; "<-loopback>" would undo that and is never added.
    proxyBypassRules: setting.bypass.join(','),
  };
}
