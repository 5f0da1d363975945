/** How times, durations and JSON are written on the page. */
import { h } from './dom.ts';

/** The viewer's IANA zone, as the browser reports it. */
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** `2026-12-03 09:00:00 UTC` */
export function utc(value: string | number): string {
  return `${new Date(value).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** In the viewer's zone. */
export function local(value: string | number): string {
  return localFormat.format(new Date(value));
}

/** `in 5 min`, `3 s ago`. */
export function relative(value: string | number, nowMs = Date.now()): string {
  const diff = new Date(value).getTime() - nowMs;
  const abs = Math.abs(diff);
  const text = abs < 60_000 ? `${Math.round(abs / 1000)} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : abs < 172_800_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** `850 ms`, `2.4 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A time element showing the viewer's local time, with UTC in its title. */
export function timeEl(value: string | number): HTMLTimeElement {
  return h('time', { datetime: new Date(value).toISOString(), title: utc(value) }, local(value));
}

/** A state badge (colour and text, never colour alone). */
export function badge(state: string): HTMLSpanElement {
  return h('span', { class: `badge s-${state}` }, state);
}

/** Pretty JSON, collapsible. */
export function jsonBlock(summary: string, value: unknown, open = true): HTMLDetailsElement {
  return h('details', { class: 'json', open }, h('summary', {}, summary), h('pre', { tabindex: 0 }, JSON.stringify(value, null, 2)));
}
