// Building the page without innerHTML: every text that comes from the API lands in a text
// node, so a customer named "<img onerror=...>" is shown, never run.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h('a', {href: '/ui/'}, 'All customers'). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, as h(). */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  build(el, null, children);
  return el;
}

/** A small coloured square; the colour is set through the CSSOM, which the page's
 *  Content-Security-Policy allows (a style attribute would not be). */
export function swatch(color) {
  const el = h('span', {class: 'swatch', 'aria-hidden': 'true'});
  el.style.backgroundColor = color;
  return el;
}

/** The path of a customer's page. */
export function customerHref(id) {
  return '/ui/customers/' + encodeURIComponent(id);
}
